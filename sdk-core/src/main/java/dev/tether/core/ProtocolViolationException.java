package dev.tether.core;

/**
 * The bytes on the wire did not follow the protocol: a malformed, oversized or truncated frame. The
 * connection that saw it is unusable; retrying the same exchange would fail the same way.
 */
public class ProtocolViolationException extends TetherException {
    private static final long serialVersionUID = 1L;

    public ProtocolViolationException(String message, Endpoint endpoint, RequestState state, Throwable cause) {
        super(endpoint == null ? message : message + " (" + endpoint + ")", endpoint, state, cause);
    }

    /** A violation found while decoding, before any endpoint or request state is known. */
    public ProtocolViolationException(String message) {
        this(message, null, RequestState.MAY_HAVE_BEEN_SENT, null);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
