package dev.tether.pool.internal;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.EndpointUnavailableException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which endpoints can be connected to, and what callers do when none can.
 *
 * <p>The connection factory reports every connect's outcome here. A failed connect marks its endpoint
 * unreachable ({@link EndpointHealth}) and schedules one background reconnect at the end of the backoff; the
 * first success marks it reachable again, closes its breaker and wakes every waiting caller. Callers never
 * connect to an unreachable endpoint themselves: {@link #pickOrAwait} picks among reachable ones and, when there
 * are none, waits (within the call's deadline) for one to come back, or fails fast if the call asked to.
 */
final class Reachability {
    private static final Logger LOG = LoggerFactory.getLogger(Reachability.class);

    private final String clientName;
    private final EndpointSet set;
    private final Balancer balancer;
    /** Why the set may be empty (the endpoint source's state), for the failure of a call that found no endpoint. */
    private volatile java.util.function.Supplier<dev.tether.pool.NoEndpointsException> noEndpoints;
    private final Listeners listeners;
    private final TimeSource time;
    /** Callers waiting for an endpoint to come back; woken (all) when one does. */
    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    /**
     * Bumped whenever an endpoint comes back, so a waiter never misses a wake-up: it registers, then re-reads
     * this before parking. The hot path only reads it.
     */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile Consumer<EndpointPool> probeScheduler = ep -> { };

    Reachability(String clientName, EndpointSet set, Balancer balancer, Listeners listeners, TimeSource time) {
        this.clientName = clientName;
        this.time = time;
        this.set = set;
        this.noEndpoints = () -> new dev.tether.pool.NoEndpointsException(clientName, "the endpoint set", null);
        this.balancer = balancer;
        this.listeners = listeners;
    }

    /** Where reconnect attempts are scheduled (the maintenance thread, once it exists). */
    void probesBy(Consumer<EndpointPool> scheduler) {
        this.probeScheduler = scheduler;
    }

    /** A connect to {@code ep} succeeded. */
    void connected(EndpointPool ep) {
        EndpointHealth.Outage outage = ep.health.isUp() ? null : ep.health.outage();
        if (ep.health.connected() != EndpointHealth.Change.CAME_BACK) {
            return;
        }
        ep.closeBreaker();
        Duration downFor = outage == null ? Duration.ZERO : Duration.ofNanos(outage.downForNanos());
        int failed = outage == null ? 0 : outage.failedConnects();
        LOG.info("client {}: {} accepts connections again after {} ({} failed connect(s))", clientName, ep.endpoint,
                dev.tether.core.TimedOutException.format(downFor), failed);
        listeners.endpointReachable(ep.endpoint, downFor, failed);
        wakeWaiters();
    }

    /** The endpoint set changed: callers waiting for an endpoint look again. */
    void endpointsChanged() {
        wakeWaiters();
    }

    /** What a call that finds no endpoint at all fails with. */
    void noEndpointsBy(java.util.function.Supplier<dev.tether.pool.NoEndpointsException> failure) {
        this.noEndpoints = failure;
    }

    private void wakeWaiters() {
        generation.incrementAndGet();
        for (Thread t : waiting) {
            LockSupport.unpark(t);
        }
    }

    /** A connect to {@code ep} failed in a way that says the endpoint cannot be reached now. */
    void failed(EndpointPool ep, TetherException error) {
        EndpointHealth.Change change = ep.health.failed(error);
        if (change == EndpointHealth.Change.WENT_DOWN) {
            LOG.warn("client {}: {} is unreachable ({}); calls go to other endpoints or wait, reconnecting with backoff",
                    clientName, ep.endpoint, error.getMessage());
            listeners.endpointUnreachable(ep.endpoint, error);
        } else {
            LOG.debug("client {}: reconnect to {} failed: {}", clientName, ep.endpoint, error.toString());
        }
        probeScheduler.accept(ep);
    }

    /**
     * The endpoint for the call's next attempt. When no endpoint is reachable, waits for one within the deadline
     * (or fails at once when the call does not wait for ready).
     *
     * @throws EndpointUnavailableException when the deadline passes first
     * @throws ConnectFailedException       at once, for a call that does not wait, with the last connect error as cause
     */
    EndpointPool pickOrAwait(CallState st) throws TetherException {
        while (true) {
            long seen = generation.get();
            EndpointPool ep = balancer.pick(st);
            if (ep != null) {
                return ep;
            }
            if (set.view().candidates.length == 0) {
                // No endpoints at all (the source has not answered yet): wait for a set with some.
                long left = st.deadline.remainingNanos();
                if (!st.waitForReady || left <= 0 || !await(seen, left, null)) {
                    throw noEndpoints.get();
                }
                continue;
            }
            EndpointPool longest = longestDown();
            EndpointHealth.Outage outage = longest == null ? null : longest.health.outage();
            if (outage == null) {
                if (generation.get() == seen) {
                    Thread.onSpinWait(); // it came back (or the set changed) between the pick and now
                }
                continue;
            }
            if (!st.waitForReady) {
                throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, longest.endpoint,
                        "unreachable since " + outage.since() + " and the call does not wait for ready (failFast)",
                        outage.lastError());
            }
            long left = st.deadline.remainingNanos();
            if (left <= 0 || !await(seen, left, longest)) {
                throw unavailable(st, longest);
            }
        }
    }

    /** The failure for a call whose deadline passed while no endpoint was reachable. */
    EndpointUnavailableException unavailable(CallState st, EndpointPool ep) {
        EndpointHealth.Outage outage = ep.health.outage();
        RequestState state = st.mayHaveBeenSent ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT;
        if (outage == null) {
            return new EndpointUnavailableException(ep.endpoint, st.deadline.budget(), java.time.Instant.now(),
                    Duration.ZERO, 0, state, st.lastConnectFailure);
        }
        return new EndpointUnavailableException(ep.endpoint, st.deadline.budget(), outage.since(),
                Duration.ofNanos(outage.downForNanos()), outage.failedConnects(), state,
                outage.lastError() != null ? outage.lastError() : st.lastConnectFailure);
    }


    /** Waits (on the client's clock) until an endpoint comes back after {@code seen}; false when {@code nanos} pass first. */
    private boolean await(long seen, long nanos, EndpointPool ep) throws CallInterruptedException {
        Thread me = Thread.currentThread();
        waiting.add(me);
        try {
            long until = time.nanoTime() + nanos;
            while (generation.get() == seen) {
                long left = until - time.nanoTime();
                if (left <= 0) {
                    return false;
                }
                time.park(this, left);
                if (me.isInterrupted()) {
                    throw new CallInterruptedException(ep == null ? null : ep.endpoint, RequestState.NOT_SENT, null);
                }
            }
            return true;
        } finally {
            waiting.remove(me);
        }
    }

    /** The endpoint down the longest, which the caller reports when it gives up. */
    private EndpointPool longestDown() {
        EndpointPool longest = null;
        long downFor = -1;
        for (EndpointPool p : set.view().candidates) {
            EndpointHealth.Outage o = p.health.outage();
            if (o != null && o.downForNanos() > downFor) {
                longest = p;
                downFor = o.downForNanos();
            }
        }
        return longest;
    }
}
