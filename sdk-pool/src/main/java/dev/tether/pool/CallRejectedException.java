package dev.tether.pool;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;

/**
 * {@link TetherClient#callAsync} could not start the call: the executor it runs calls on refused the task (shut
 * down, or its queue full). Nothing was sent; the cause is the executor's {@code RejectedExecutionException}.
 * Not retried by the client: an overloaded executor is the caller's to relieve.
 */
public final class CallRejectedException extends TetherException {
    private static final long serialVersionUID = 1L;

    public CallRejectedException(String clientName, Throwable cause) {
        super("client " + clientName + " could not start an asynchronous call: its executor rejected the task ("
                + cause + "); nothing was sent", null, RequestState.NOT_SENT, cause);
    }

    /** False: the client does not retry it. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
