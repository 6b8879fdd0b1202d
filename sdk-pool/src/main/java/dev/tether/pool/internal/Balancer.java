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
    private final EndpointSet set;
    private final LoadBalancing strategy;
    private final float panicThreshold;
    private final AtomicInteger next = new AtomicInteger();
    private final TimeSource time;

    Balancer(EndpointSet set, LoadBalancing strategy, float panicThreshold, TimeSource time) {
        this.set = set;
        this.strategy = strategy;
        this.panicThreshold = panicThreshold;
        this.time = time;
    }

    /** Whether calls counted in flight must also report their latency ({@link EndpointPool#latency}): P2C reads it. */
    boolean tracksLatency() {
        return strategy == LoadBalancing.P2C_EWMA;
    }

    /**
     * The endpoint for the next attempt of {@code st}, or null when no endpoint is reachable (the caller then
     * waits for one, or fails fast). Serving endpoints first; endpoints still warming only when none of those
     * can take the call.
     *
     * @throws CircuitOpenException only with a panic threshold of 0, when every reachable endpoint's breaker refuses
     */
    EndpointPool pick(CallState st) throws CircuitOpenException {
        EndpointSet.View v = set.view();
        st.countsInFlight = v.countsInFlight; // the same view's answer, for the caller that takes the connection
        EndpointPool chosen = pickAmong(v.serving, st);
        if (chosen == null && v.warming.length > 0) {
            chosen = pickAmong(v.warming, st);
        }
        return chosen;
    }

    private EndpointPool pickAmong(EndpointPool[] pools, CallState st) throws CircuitOpenException {
        st.permitted = false;
        if (pools.length <= 1) {
            return pools.length == 0 ? null : pickOnly(pools[0], st);
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
            EndpointPool chosen = choose(pools, start, avoid, true);
            if (chosen == null && avoid != null && contains(pools, avoid) && avoid.health.isUp() && avoid.tryPermission()) {
                chosen = avoid;
            }
            if (chosen != null) {
                st.permitted = true;
                return chosen;
            }
            if (panicThreshold == 0) {
                throw allOpen(pools);
            }
            // Every reachable endpoint refused this one call (its half-open probes are all out): send it anyway.
        }
        EndpointPool chosen = choose(pools, start, avoid, false);
        if (chosen == null) {
            chosen = avoid != null && contains(pools, avoid) && avoid.health.isUp() ? avoid : firstUp(pools, start);
            if (chosen == null) {
                return null; // went down since counted
            }
        }
        // Asked for bookkeeping only: an open breaker whose period passed turns half-open and its probes count.
        st.permitted = chosen.tryPermission();
        return chosen;
    }

    private static boolean contains(EndpointPool[] pools, EndpointPool p) {
        for (EndpointPool q : pools) {
            if (q == p) {
                return true;
            }
        }
        return false;
    }

    /** One endpoint: the common case, kept to two reads. Its breaker only refuses with a panic threshold of 0. */
    private EndpointPool pickOnly(EndpointPool only, CallState st) throws CircuitOpenException {
        if (!only.health.isUp()) {
            return null;
        }
        st.permitted = only.tryPermission();
        if (!st.permitted && panicThreshold == 0) {
            throw allOpen(new EndpointPool[] {only});
        }
        return only;
    }

    private static EndpointPool firstUp(EndpointPool[] pools, int start) {
        for (int i = 0; i < pools.length; i++) {
            EndpointPool p = pools[(start + i) % pools.length];
            if (p.health.isUp()) {
                return p;
            }
        }
        return null;
    }

    private EndpointPool choose(EndpointPool[] pools, int start, EndpointPool avoid, boolean needPermission) {
        return switch (strategy) {
            case ROUND_ROBIN -> roundRobin(pools, start, avoid, needPermission);
            case LEAST_IN_FLIGHT -> leastInFlight(pools, start, avoid, needPermission);
            case P2C_EWMA -> powerOfTwoChoices(pools, avoid, needPermission);
        };
    }

    private static CircuitOpenException allOpen(EndpointPool[] pools) {
        long soonest = Long.MAX_VALUE;
        for (EndpointPool p : pools) {
            soonest = Math.min(soonest, p.nanosUntilProbe());
        }
        return new CircuitOpenException(Arrays.asList(pools), Duration.ofNanos(soonest));
    }

    private static EndpointPool roundRobin(EndpointPool[] pools, int start, EndpointPool avoid, boolean needPermission) {
        for (int i = 0; i < pools.length; i++) {
            EndpointPool p = pools[(start + i) % pools.length];
            if (p != avoid && p.health.isUp() && (!needPermission || p.tryPermission())) {
                return p;
            }
        }
        return null;
    }

    private static EndpointPool leastInFlight(EndpointPool[] pools, int start, EndpointPool avoid, boolean needPermission) {
        boolean[] refused = new boolean[pools.length];
        for (int round = 0; round < pools.length; round++) {
            int best = -1;
            int bestLoad = Integer.MAX_VALUE;
            for (int i = 0; i < pools.length; i++) {
                int at = (start + i) % pools.length;
                EndpointPool p = pools[at];
                if (p == avoid || refused[at] || !p.health.isUp()) {
                    continue;
                }
                int load = p.inFlight.get();
                if (load < bestLoad) {
                    best = at;
                    bestLoad = load;
                }
            }
            if (best < 0) {
                return null;
            }
            if (!needPermission || pools[best].tryPermission()) {
                return pools[best];
            }
            refused[best] = true;
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
    private EndpointPool powerOfTwoChoices(EndpointPool[] pools, EndpointPool avoid, boolean needPermission) {
        int[] eligible = new int[pools.length];
        boolean[] refused = new boolean[pools.length];
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long now = time.nanoTime();
        for (int round = 0; round < pools.length; round++) {
            int n = 0;
            for (int i = 0; i < pools.length; i++) {
                EndpointPool p = pools[i];
                if (p != avoid && !refused[i] && p.health.isUp()) {
                    eligible[n++] = i;
                }
            }
            if (n == 0) {
                return null;
            }
            int first = random.nextInt(n);
            int best = eligible[first];
            if (n > 1) {
                int second = random.nextInt(n - 1);
                int other = eligible[second >= first ? second + 1 : second];
                best = pools[other] == cheaper(pools[best], pools[other], now) ? other : best;
            }
            if (!needPermission || pools[best].tryPermission()) {
                return pools[best];
            }
            refused[best] = true;
        }
        return null;
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
