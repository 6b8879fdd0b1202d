/**
 * Tether's TLS layer: {@code TlsConfig}, the SSLEngine-based connector and acceptor, and certificate tooling
 * ({@code dev.tether.tls.cert}). The {@code internal} packages are this module's own and are not exported.
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
}
