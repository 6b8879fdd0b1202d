package dev.tether.tls;

import dev.tether.core.Endpoint;

/**
 * Mutual TLS failed on the client certificate: the server requires one and none was configured, or the
 * server rejected the one presented (an issuer it does not trust, expired, revoked). On the server side,
 * the client presented none although {@link ClientAuth#REQUIRED} is configured.
 *
 * <p>With TLS 1.3 a server checks the client certificate after the client considers the handshake done,
 * so this can surface on the first read rather than on connect; it still means no request was processed.
 */
public final class ClientCertificateException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    /** Whether a certificate was missing or refused. */
    public enum Reason {
        /** A client certificate is required and none was presented. */
        REQUIRED,
        /** The client certificate was presented and refused. */
        REJECTED
    }

    private final Reason reason;

    public ClientCertificateException(Reason reason, String message, Endpoint endpoint, Throwable cause) {
        super(message, endpoint, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
