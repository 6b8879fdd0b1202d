package dev.tether.tls;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TimedOutException;
import java.time.Duration;

/**
 * The TLS handshake did not finish within its budget (the handshake timeout, or what was left of the connect
 * deadline). Often a peer that accepts TCP but does not speak TLS and waits for more input. No application
 * byte was sent. Not retryable: a peer that stalls a handshake once usually stalls it again.
 */
public final class HandshakeTimeoutException extends TimedOutException {
    private static final long serialVersionUID = 1L;

    public HandshakeTimeoutException(String message, Endpoint endpoint, Duration timeout, Throwable cause) {
        super(message, Phase.HANDSHAKE, endpoint, timeout, RequestState.NOT_SENT, cause);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
