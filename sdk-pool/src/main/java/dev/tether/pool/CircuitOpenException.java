package dev.tether.pool;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every reachable endpoint's circuit breaker refused the call, so it was not sent anywhere. Only happens with
 * {@link CircuitBreakerSettings#panicThreshold()} 0: by default breakers are ignored when too few endpoints are
 * healthy, so they never fail a call on their own. Probes go through again once a breaker's open period ends.
 * A caller that loops on failures should wait {@link #retryAfter()} before its next call rather than spin.
 */
public final class CircuitOpenException extends TetherException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * @param endpoints  the endpoints whose breakers refused the call
     * @param retryAfter how long until the first of them lets a probe call through (zero: it may already)
     */
    public CircuitOpenException(List<?> endpoints, Duration retryAfter) {
        super("circuit breaker open for " + (endpoints.size() == 1 ? endpoints.get(0) : "all endpoints " + endpoints)
                + "; call not sent; next probe allowed in " + Objects.requireNonNull(retryAfter, "retryAfter").toMillis()
                + " ms", null, RequestState.NOT_SENT, null);
        this.retryAfter = retryAfter;
    }

    /** How long until the first of the refusing breakers lets a probe call through; zero when it already may. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** False: the client does not retry it; every breaker refused (only possible with a panic threshold of 0). */
    @Override
    public boolean isRetryable() {
        return false;
    }
}
