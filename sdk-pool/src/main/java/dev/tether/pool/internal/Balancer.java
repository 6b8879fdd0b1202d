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
    private final TimeSource time;

    Balancer(EndpointPool[] pools, LoadBalancing strategy, float panicThreshold, TimeSource time) {
        this.pools = pools;
        this.strategy = strategy;
        this.panicThreshold = panicThreshold;
        this.time = time;
    }

    /** Whether calls must report their latency ({@link EndpointPool#latency}): only P2C with several endpoints reads it. */
    boolean tracksLatency() {
        return strategy == LoadBalancing.P2C_EWMA && pools.length > 1;
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
        // P2C draws its own endpoints; the start index only orders its panic fallback, so it need not be a shared
        // counter bumped by every call.
        int start = strategy == LoadBalancing.P2C_EWMA
                ? java.util.concurrent.ThreadLocalRandom.current().nextInt(pools.length)
                : Math.floorMod(next.getAndIncrement(), pools.length);
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
        return switch (strategy) {
            case ROUND_ROBIN -> roundRobin(start, avoid, needPermission);
            case LEAST_IN_FLIGHT -> leastInFlight(start, avoid, needPermission);
            case P2C_EWMA -> powerOfTwoChoices(avoid, needPermission);
        };
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

    /** Above any real cost: an endpoint with calls out but no latency measured yet is not assumed to be free. */
    private static final double UNMEASURED_BUSY = 1e15;

    /**
     * Two distinct endpoints drawn at random among those that may take the call; the one with the clearly lower
     * expected wait (latency average times calls in flight plus this one), else the one with fewer calls in
     * flight, is asked for permission. One that refuses is left out and the draw repeated.
     */
    private EndpointPool powerOfTwoChoices(EndpointPool avoid, boolean needPermission) {
        int[] eligible = new int[pools.length];
        boolean[] refused = new boolean[pools.length];
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long now = time.nanoTime();
        for (int round = 0; round < pools.length; round++) {
            int n = 0;
            for (EndpointPool p : pools) {
                if (p != avoid && !refused[p.index] && p.health.isUp()) {
                    eligible[n++] = p.index;
                }
            }
            if (n == 0) {
                return null;
            }
            EndpointPool best = pools[eligible[random.nextInt(n)]];
            if (n > 1) {
                int second = random.nextInt(n - 1);
                EndpointPool other = pools[eligible[second >= indexOf(eligible, n, best.index) ? second + 1 : second]];
                best = cheaper(best, other, now);
            }
            if (!needPermission || best.tryPermission()) {
                return best;
            }
            refused[best.index] = true;
        }
        return null;
    }

    private static int indexOf(int[] values, int n, int value) {
        for (int i = 0; i < n; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * How much lower one expected wait must be to decide on its own. Latency measured on a busy host is noisy:
     * equal endpoints on a loaded two-core host differ by up to two times, and deciding on smaller differences
     * skewed their shares (a busier server answers faster, which drew it more calls). Within the margin the
     * fewer calls in flight wins, which spreads load evenly; an endpoint several times slower loses outright.
     */
    private static final double MARGIN = 3.0;

    private static EndpointPool cheaper(EndpointPool a, EndpointPool b, long now) {
        double wa = expectedWait(a, now);
        double wb = expectedWait(b, now);
        if (wb * MARGIN < wa) {
            return b;
        }
        if (wa * MARGIN < wb) {
            return a;
        }
        return b.inFlight.get() < a.inFlight.get() ? b : a;
    }

    private static double expectedWait(EndpointPool p, long now) {
        int inFlight = p.inFlight.get();
        double cost = p.latency.costNanos(now);
        if (cost == 0) {
            return inFlight == 0 ? 0 : UNMEASURED_BUSY + inFlight;
        }
        return cost * (inFlight + 1);
    }
}
