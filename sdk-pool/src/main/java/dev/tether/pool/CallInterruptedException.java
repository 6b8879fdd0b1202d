package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;

/**
 * The calling thread was interrupted while the call waited (for a connection or a backoff). The thread's
 * interrupt flag is set again before this is thrown.
 */
public final class CallInterruptedException extends TetherException {
    private static final long serialVersionUID = 1L;

    public CallInterruptedException(Endpoint endpoint, RequestState state, Throwable cause) {
        super("call interrupted" + (endpoint == null ? "" : " on " + endpoint), endpoint, state, cause);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
