package dev.tether.tls;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;

/**
 * The TLS handshake failed. No application byte was sent ({@link RequestState#NOT_SENT}), and trying again
 * with the same configuration fails the same way, so it is never retryable. Subclasses name the causes a
 * caller can act on; this class itself covers the rest, with the JDK's reason in the message.
 */
public class TlsHandshakeException extends TetherException {
    private static final long serialVersionUID = 1L;

    public TlsHandshakeException(String message, Endpoint endpoint, Throwable cause) {
        super(message, endpoint, RequestState.NOT_SENT, cause);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
