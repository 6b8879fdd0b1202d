package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TimedOutException;
import java.time.Duration;

/**
 * No connection to an endpoint became free within the acquire timeout (or the call's deadline, if sooner).
 * Nothing was sent. The message gives the pool's state at that moment: total, active, idle, waiting. Calls are
 * not retried after it, because waiting again for the same pool only adds delay.
 */
public final class PoolExhaustedException extends TimedOutException {
    private static final long serialVersionUID = 1L;

    private final int active;
    private final int idle;
    private final int waiting;

    public PoolExhaustedException(Endpoint endpoint, Duration waited, int maxPerEndpoint, int active, int idle,
                                  int waiting) {
        this(endpoint, waited, maxPerEndpoint, active, idle, waiting, null);
    }

    /**
     * As {@link #PoolExhaustedException(Endpoint, Duration, int, int, int, int)}, with {@code detail} (may be null)
     * added to the message: what else the caller was waiting on, such as room on shared (pipelined) connections.
     */
    public PoolExhaustedException(Endpoint endpoint, Duration waited, int maxPerEndpoint, int active, int idle,
                                  int waiting, String detail) {
        super("no connection to " + endpoint + " free after " + format(waited) + ": " + (active + idle) + "/"
                        + maxPerEndpoint + " open (active " + active + ", idle " + idle + ", waiting " + waiting + ")"
                        + (detail == null ? "" : "; " + detail),
                Phase.ACQUIRE, endpoint, waited, RequestState.NOT_SENT, null);
        this.active = active;
        this.idle = idle;
        this.waiting = waiting;
    }

    /** Connections in use when the wait ended. */
    public int active() {
        return active;
    }

    /** Connections idle when the wait ended (normally 0). */
    public int idle() {
        return idle;
    }

    /** Callers waiting for a connection to the endpoint when the wait ended. */
    public int waiting() {
        return waiting;
    }

    /** False: waiting again for the same full pool would only add delay, so the client does not retry it. */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
