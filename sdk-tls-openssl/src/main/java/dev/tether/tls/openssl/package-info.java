/**
 * OpenSSL (BoringSSL) engines for Tether's TLS layer: put this module on the class path and choose
 * {@link dev.tether.tls.TlsProvider#OPENSSL} (or {@code PREFER_OPENSSL}) on the {@code TlsConfig}. Tether's own
 * connection code, trust policy and error mapping stay in charge; only the cryptography and the TLS state
 * machine move to native code.
 */
package dev.tether.tls.openssl;
