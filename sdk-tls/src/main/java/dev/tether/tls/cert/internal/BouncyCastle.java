package dev.tether.tls.cert.internal;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The BouncyCastle provider instance used for the few operations the JDK providers cannot do (PBES2 with
 * scrypt, legacy OpenSSL PEM encryption). It is passed explicitly and never registered with
 * {@link java.security.Security}, so using Tether does not change the JVM's provider list.
 */
public final class BouncyCastle {
    private static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }

    /** The shared, unregistered provider instance. */
    public static Provider provider() {
        return PROVIDER;
    }
}
