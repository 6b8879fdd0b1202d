/**
 * The seam between Tether's TLS layer and the implementations of {@link javax.net.ssl.SSLEngine} it runs on.
 * The JDK's is built in; other modules (such as {@code sdk-tls-openssl}) register a
 * {@link dev.tether.tls.spi.TlsEngineProvider} with {@link java.util.ServiceLoader}. Applications do not use
 * this package: they choose with {@link dev.tether.tls.TlsConfig.Builder#provider}.
 */
package dev.tether.tls.spi;
