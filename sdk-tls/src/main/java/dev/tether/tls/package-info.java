/**
 * TLS for Tether connections, on the JDK's {@code SSLEngine}: {@link dev.tether.tls.TlsConfig} (settings, trust,
 * key material), {@link dev.tether.tls.TlsConnector} (client) and {@link dev.tether.tls.TlsAcceptor} (server)
 * producing {@link dev.tether.tls.TlsConnection}s, {@link dev.tether.tls.ReloadingTlsConfig} for certificate
 * rotation, and one typed exception per handshake failure a user can act on.
 */
package dev.tether.tls;
