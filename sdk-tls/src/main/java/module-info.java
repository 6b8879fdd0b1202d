/**
 * Tether's TLS layer: {@code TlsConfig}, the SSLEngine-based connector and acceptor, and certificate tooling
 * ({@code dev.tether.tls.cert}), and the provider seam ({@code dev.tether.tls.spi}). The {@code internal} packages are this module's own and are not exported.
 */
module dev.tether.tls {
    requires transitive dev.tether.core;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.util;
    requires org.slf4j;
    requires java.net.http;

    exports dev.tether.tls;
    exports dev.tether.tls.cert;
    // The seam a TLS provider module (sdk-tls-openssl) implements; found with ServiceLoader.
    exports dev.tether.tls.spi;

    uses dev.tether.tls.spi.TlsEngineProvider;
}
