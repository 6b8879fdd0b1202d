package dev.tether.tls;

/**
 * How a TLS client treats the revocation status of the server's certificate ({@link
 * TlsConfig.Builder#revocation(RevocationMode)}). A certificate known to be revoked fails the handshake in
 * both checking modes; they differ only in what happens when the status cannot be learned (no stapled
 * response, the OCSP responder or CRL server down or slow, a response that cannot be verified).
 */
public enum RevocationMode {
    /** No revocation checking (the default). */
    OFF,
    /** Unknown status passes; it is logged at WARN and reported by {@link TlsConnection#revocationStatus()}. */
    SOFT_FAIL,
    /** Unknown status fails the handshake with a {@link CertificateRevocationException}. */
    HARD_FAIL
}
