package dev.tether.pool.internal;

import dev.tether.pool.CircuitOpenException;
import dev.tether.pool.LoadBalancing;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint for the next attempt, skipping endpoints whose breaker refuses it. A retry avoids the
 * endpoint that just failed when another one will take it. The pick holds a breaker permission that the caller
 * must settle.
 */
final class Balancer {
    private final EndpointPool[] pools;
    private final LoadBalancing strategy;
    private final AtomicInteger next = new AtomicInteger();

    Balancer(EndpointPool[] pools, LoadBalancing strategy) {
        this.pools = pools;
        this.strategy = strategy;
    }

    EndpointPool pick(EndpointPool avoid) throws CircuitOpenException {
        if (pools.length == 1) {
            if (pools[0].tryPermission()) {
                return pools[0];
            }
            throw allOpen();
        }
        int start = Math.floorMod(next.getAndIncrement(), pools.length);
        EndpointPool chosen = strategy == LoadBalancing.ROUND_ROBIN ? roundRobin(start, avoid) : leastInFlight(start, avoid);
        if (chosen == null && avoid != null && avoid.tryPermission()) {
            chosen = avoid;
        }
        if (chosen == null) {
            throw allOpen();
        }
        return chosen;
    }

    private CircuitOpenException allOpen() {
        long soonest = Long.MAX_VALUE;
        for (EndpointPool p : pools) {
            soonest = Math.min(soonest, p.nanosUntilProbe());
        }
        return new CircuitOpenException(Arrays.asList(pools), Duration.ofNanos(soonest));
    }

    private EndpointPool roundRobin(int start, EndpointPool avoid) {
        for (int i = 0; i < pools.length; i++) {
            EndpointPool p = pools[(start + i) % pools.length];
            if (p != avoid && p.tryPermission()) {
                return p;
            }
        }
        return null;
    }

    private EndpointPool leastInFlight(int start, EndpointPool avoid) {
        boolean[] refused = new boolean[pools.length];
        for (int round = 0; round < pools.length; round++) {
            EndpointPool best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (int i = 0; i < pools.length; i++) {
                EndpointPool p = pools[(start + i) % pools.length];
                if (p == avoid || refused[p.index]) {
                    continue;
                }
                int load = p.inFlight.get();
                if (load < bestLoad) {
                    best = p;
                    bestLoad = load;
                }
            }
            if (best == null) {
                return null;
            }
            if (best.tryPermission()) {
                return best;
            }
            refused[best.index] = true;
        }
        return null;
    }
}
