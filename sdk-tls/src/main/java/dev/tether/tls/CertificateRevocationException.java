package dev.tether.tls;

import dev.tether.core.Endpoint;

/**
 * The server's certificate is revoked, or (with {@link RevocationMode#HARD_FAIL}) its revocation status could
 * not be learned. {@link #status()} says which and where the answer came from.
 */
public final class CertificateRevocationException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    private final transient RevocationStatus status;

    public CertificateRevocationException(String message, Endpoint endpoint, RevocationStatus status,
                                          Throwable cause) {
        super(message, endpoint, cause);
        this.status = status;
    }

    /** What the revocation check found. */
    public RevocationStatus status() {
        return status;
    }

    /** Whether the certificate is known to be revoked (rather than of unknown status). */
    public boolean revoked() {
        return status != null && status.state() == RevocationStatus.State.REVOKED;
    }
}
