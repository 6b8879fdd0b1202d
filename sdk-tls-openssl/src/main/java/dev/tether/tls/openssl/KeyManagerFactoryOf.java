package dev.tether.tls.openssl;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;

/** A {@link KeyManagerFactory} that hands out one existing key manager (netty's caching factory wraps a factory). */
final class KeyManagerFactoryOf extends KeyManagerFactory {
    private static final Provider PROVIDER = new Provider("TetherKeyManager", "1.0", "one fixed key manager") {
        private static final long serialVersionUID = 1L;
    };

    KeyManagerFactoryOf(KeyManager keyManager) {
        super(new Spi(keyManager), PROVIDER, "tether");
    }

    private static final class Spi extends KeyManagerFactorySpi {
        private final KeyManager keyManager;

        Spi(KeyManager keyManager) {
            this.keyManager = keyManager;
        }

        @Override
        protected void engineInit(KeyStore ks, char[] password) {
            // Already initialised with the key manager.
        }

        @Override
        protected void engineInit(ManagerFactoryParameters spec) {
            // Already initialised with the key manager.
        }

        @Override
        protected KeyManager[] engineGetKeyManagers() {
            return new KeyManager[] {keyManager};
        }
    }
}
