package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TimedOutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The call's deadline passed while it waited for an endpoint to accept a connection: every endpoint was
 * unreachable (refusing connections, timing out, reconnects backing off) for the whole wait. Says since when the
 * endpoint it waited for has been down and how many connects failed; the last connect error is the cause. Not
 * retried: the call already waited as long as it could.
 */
public final class EndpointUnavailableException extends TimedOutException {
    private static final long serialVersionUID = 1L;

    private final Instant downSince;
    private final int failedConnects;

    /**
     * @param endpoint       the endpoint the call waited for (the one down longest)
     * @param waited         the call's whole time budget
     * @param downSince      when the endpoint's outage began (wall clock)
     * @param downFor        how long it had been down when the call gave up
     * @param failedConnects connects that failed since the outage began
     * @param state          whether an earlier attempt of this call may have reached the server
     * @param lastError      the last connect error
     */
    public EndpointUnavailableException(Endpoint endpoint, Duration waited, Instant downSince, Duration downFor,
                                        int failedConnects, RequestState state, Throwable lastError) {
        super("no connection to " + endpoint + " within " + format(waited) + ": it has been unreachable since "
                        + Objects.requireNonNull(downSince, "downSince") + " (" + format(downFor) + ", "
                        + failedConnects + " failed connect" + (failedConnects == 1 ? "" : "s") + ")"
                        + (lastError == null ? "" : "; last error: " + lastError.getMessage()),
                Phase.CONNECT, endpoint, waited, state, lastError);
        this.downSince = downSince;
        this.failedConnects = failedConnects;
    }

    /** When the endpoint's outage began (wall clock). */
    public Instant downSince() {
        return downSince;
    }

    /** Connects that failed since the outage began. */
    public int failedConnects() {
        return failedConnects;
    }

    /** False: the call waited until its deadline; another attempt has no time left. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
