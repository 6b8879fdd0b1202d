package dev.tether.pool;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import java.util.List;

/**
 * Every endpoint's circuit breaker is open, so the call was not sent anywhere. It fails at once instead of
 * adding load to endpoints that are failing; probes go through again once a breaker's open period ends.
 */
public final class CircuitOpenException extends TetherException {
    private static final long serialVersionUID = 1L;

    public CircuitOpenException(List<?> endpoints) {
        super("circuit breaker open for " + (endpoints.size() == 1 ? endpoints.get(0) : "all endpoints " + endpoints)
                + "; call not sent", null, RequestState.NOT_SENT, null);
    }
}
