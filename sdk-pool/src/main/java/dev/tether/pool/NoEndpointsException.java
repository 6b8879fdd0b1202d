package dev.tether.pool;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;

/**
 * The client had no endpoint to send the call to within its deadline: its {@link EndpointSource} has not given a
 * usable answer yet (the cause, when there is one, is the source's last failure). Nothing was sent.
 */
public final class NoEndpointsException extends TetherException {
    private static final long serialVersionUID = 1L;

    public NoEndpointsException(String clientName, String source, Throwable lastSourceError) {
        super("client " + clientName + " has no endpoints: " + source + " has not answered with any"
                + (lastSourceError == null ? "" : " (last error: " + lastSourceError.getMessage() + ")"),
                null, RequestState.NOT_SENT, lastSourceError);
    }

    /** Not by retrying at once: the call already waited for endpoints as long as its deadline allowed. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
