package dev.tether.spring.boot;

import dev.tether.tls.TlsConfig;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;

/**
 * Builds Tether's {@link TlsConfig} from a Spring {@link SslBundle} through TlsConfig's standard inputs (the
 * bundle's {@code KeyManagerFactory} and {@code TrustManagerFactory}), so Tether keeps its own checks on top:
 * hostname verification (never turned off here), validity dates, TLS 1.2+ and its cipher suite policy.
 */
final class SslBundleTls {
    private SslBundleTls() {
    }

    static TlsConfig from(SslBundle bundle) {
        TlsConfig.Builder tls = TlsConfig.builder();
        SslStoreBundle stores = bundle.getStores();
        // A bundle's factories are always there; without a store behind them they would fall back to the JDK's
        // javax.net.ssl.* system properties, so they are used only when the bundle has the store.
        if (stores != null && stores.getKeyStore() != null) {
            tls.keyManagerFactory(bundle.getManagers().getKeyManagerFactory());
        }
        if (stores != null && stores.getTrustStore() != null) {
            tls.trustManagerFactory(bundle.getManagers().getTrustManagerFactory());
        }
        SslOptions options = bundle.getOptions();
        if (options != null && options.getEnabledProtocols() != null && options.getEnabledProtocols().length > 0) {
            tls.protocols(options.getEnabledProtocols());
        }
        if (options != null && options.getCiphers() != null && options.getCiphers().length > 0) {
            tls.cipherSuites(options.getCiphers());
        }
        return tls.build();
    }

    /** What the bundle holds, for messages: never passwords or key material. */
    static String describe(SslBundle bundle) {
        SslStoreBundle stores = bundle.getStores();
        boolean key = stores != null && stores.getKeyStore() != null;
        boolean trust = stores != null && stores.getTrustStore() != null;
        String protocols = bundle.getOptions() == null || bundle.getOptions().getEnabledProtocols() == null ? "default"
                : Arrays.stream(bundle.getOptions().getEnabledProtocols()).collect(Collectors.joining(","));
        return "key store " + (key ? "present" : "absent") + ", trust store " + (trust ? "present" : "absent (JDK default)")
                + ", protocols " + protocols;
    }
}
