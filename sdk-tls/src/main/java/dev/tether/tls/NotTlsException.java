package dev.tether.tls;

import dev.tether.core.Endpoint;

/**
 * The peer answered with bytes that are not TLS: a plaintext service on the port, or the wrong port. The
 * message shows the first bytes received (printable characters only) so the service can be recognised.
 */
public final class NotTlsException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    public NotTlsException(String message, Endpoint endpoint, Throwable cause) {
        super(message, endpoint, cause);
    }
}
