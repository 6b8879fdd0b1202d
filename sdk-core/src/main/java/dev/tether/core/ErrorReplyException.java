package dev.tether.core;

/**
 * The server answered, and its answer is an error reply of the protocol (a Redis {@code -ERR}, say), surfaced as
 * an exception because the caller asked its codec for that. The connection is healthy and stays in the pool;
 * the request reached the server, so it is never retried, and an answering server is not a failing one for the
 * circuit breaker.
 */
public class ErrorReplyException extends TetherException {
    private static final long serialVersionUID = 1L;

    /** An error reply from {@code endpoint} (null when not known where the reply was decoded). */
    public ErrorReplyException(String message, Endpoint endpoint) {
        super(message, endpoint, RequestState.MAY_HAVE_BEEN_SENT, null);
    }

    /** Never: the server has answered this request, and would answer it the same way again. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
