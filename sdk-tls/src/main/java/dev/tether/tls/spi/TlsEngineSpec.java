package dev.tether.tls.spi;

import dev.tether.tls.ClientAuth;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * What a {@link TlsEngineFactory} is built from: Tether's key manager (the configured certificate) and trust
 * manager (trust, hostname verification and pins, which must be called for every peer certificate chain,
 * on the thread driving the handshake), and the config's settings that belong to a context rather than an
 * engine.
 *
 * @param keyManager presents the configured certificate chain, if any
 * @param trustManager Tether's certificate policy; it throws the typed rejections Tether maps to exceptions
 * @param hasKeyMaterial whether a certificate and key are configured (a server context is needed)
 * @param protocols enabled protocol versions
 * @param cipherSuites enabled cipher suites in JDK names; empty for the implementation's defaults
 * @param applicationProtocols ALPN protocols in preference order; empty for none
 * @param clientAuth whether a server asks for client certificates
 * @param sessionResumption whether clients keep sessions to resume
 */
public record TlsEngineSpec(X509ExtendedKeyManager keyManager, X509ExtendedTrustManager trustManager,
                            boolean hasKeyMaterial, List<String> protocols, List<String> cipherSuites,
                            List<String> applicationProtocols, ClientAuth clientAuth, boolean sessionResumption) {
    public TlsEngineSpec {
        Objects.requireNonNull(keyManager, "keyManager");
        Objects.requireNonNull(trustManager, "trustManager");
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        applicationProtocols = List.copyOf(applicationProtocols);
        Objects.requireNonNull(clientAuth, "clientAuth");
    }
}
