package dev.tether.pool.internal;

import dev.tether.pool.CircuitOpenException;
import dev.tether.pool.LoadBalancing;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the endpoint for the next attempt among the reachable ones (see {@link EndpointHealth}), skipping those
 * whose breaker refuses it, and avoiding the endpoint that just failed when another one will take the call.
 *
 * <p>Breakers only steer calls while enough endpoints are healthy: when fewer than the panic threshold (a
 * percentage of all endpoints) are reachable with a closed breaker, breakers are ignored and every reachable
 * endpoint takes calls, so a breaker never turns a short outage into a longer one (with one endpoint it never
 * refuses). Even then the pick asks the breaker, so an open one moves on to half-open and its probes decide;
 * {@link CallState#permitted} records whether the attempt holds a permission the caller must settle.
 */
final class Balancer {
    private final EndpointPool[] pools;
    private final LoadBalancing strategy;
    private final float panicThreshold;
    private final AtomicInteger next = new AtomicInteger();

    Balancer(EndpointPool[] pools, LoadBalancing strategy, float panicThreshold) {
        this.pools = pools;
        this.strategy = strategy;
        this.panicThreshold = panicThreshold;
    }

    /**
     * The endpoint for the next attempt of {@code st}, or null when no endpoint is reachable (the caller then
     * waits for one, or fails fast).
     *
     * @throws CircuitOpenException only with a panic threshold of 0, when every reachable endpoint's breaker refuses
     */
    EndpointPool pick(CallState st) throws CircuitOpenException {
        st.permitted = false;
        if (pools.length == 1) {
            return pickOnly(st);
        }
        EndpointPool avoid = st.lastFailed;
        int up = 0;
        int healthy = 0;
        for (EndpointPool p : pools) {
            if (p.health.isUp()) {
                up++;
            }
            if (p.healthy()) {
                healthy++;
            }
        }
        if (up == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), pools.length);
        boolean panic = panicThreshold > 0 && healthy * 100f < panicThreshold * pools.length;
        if (!panic) {
            EndpointPool chosen = choose(start, avoid, true);
            if (chosen == null && avoid != null && avoid.health.isUp() && avoid.tryPermission()) {
                chosen = avoid;
            }
            if (chosen != null) {
                st.permitted = true;
                return chosen;
            }
            if (panicThreshold == 0) {
                throw allOpen();
            }
            // Every reachable endpoint refused this one call (its half-open probes are all out): send it anyway.
        }
        EndpointPool chosen = choose(start, avoid, false);
        if (chosen == null) {
            chosen = avoid != null && avoid.health.isUp() ? avoid : firstUp(start);
            if (chosen == null) {
                return null; // went down since counted
            }
        }
        // Asked for bookkeeping only: an open breaker whose period passed turns half-open and its probes count.
        st.permitted = chosen.tryPermission();
        return chosen;
    }

    /** One endpoint: the common case, kept to two reads. Its breaker only refuses with a panic threshold of 0. */
    private EndpointPool pickOnly(CallState st) throws CircuitOpenException {
        EndpointPool only = pools[0];
        if (!only.health.isUp()) {
            return null;
        }
        st.permitted = only.tryPermission();
        if (!st.permitted && panicThreshold == 0) {
            throw allOpen();
        }
        return only;
    }

    private EndpointPool firstUp(int start) {
        for (int i = 0; i < pools.length; i++) {
            EndpointPool p = pools[(start + i) % pools.length];
            if (p.health.isUp()) {
                return p;
            }
        }
        return null;
    }

    private EndpointPool choose(int start, EndpointPool avoid, boolean needPermission) {
        return strategy == LoadBalancing.ROUND_ROBIN ? roundRobin(start, avoid, needPermission)
                : leastInFlight(start, avoid, needPermission);
    }

    private CircuitOpenException allOpen() {
        long soonest = Long.MAX_VALUE;
        for (EndpointPool p : pools) {
            soonest = Math.min(soonest, p.nanosUntilProbe());
        }
        return new CircuitOpenException(Arrays.asList(pools), Duration.ofNanos(soonest));
    }

    private EndpointPool roundRobin(int start, EndpointPool avoid, boolean needPermission) {
        for (int i = 0; i < pools.length; i++) {
            EndpointPool p = pools[(start + i) % pools.length];
            if (p != avoid && p.health.isUp() && (!needPermission || p.tryPermission())) {
                return p;
            }
        }
        return null;
    }

    private EndpointPool leastInFlight(int start, EndpointPool avoid, boolean needPermission) {
        boolean[] refused = new boolean[pools.length];
        for (int round = 0; round < pools.length; round++) {
            EndpointPool best = null;
            int bestLoad = Integer.MAX_VALUE;
            for (int i = 0; i < pools.length; i++) {
                EndpointPool p = pools[(start + i) % pools.length];
                if (p == avoid || refused[p.index] || !p.health.isUp()) {
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
            if (!needPermission || best.tryPermission()) {
                return best;
            }
            refused[best.index] = true;
        }
        return null;
    }
}
