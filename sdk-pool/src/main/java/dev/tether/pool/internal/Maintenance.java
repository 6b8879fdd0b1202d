package dev.tether.pool.internal;

import dev.tether.pool.DestroyReason;
import dev.tether.pool.PoolSettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's housekeeping, run on the client's timer every maintenance interval ({@link #runOnce} is also what
 * tests call after moving the clock): idle connections are claimed one at a time, closed when outdated, broken
 * or idle too long beyond the minimum, pinged when a keep-alive is due, and handed back; then replacements are
 * opened up to the minimum idle count. Connecting happens on the background executor, never on the timer, so a
 * slow endpoint cannot stall the rest. Reconnects to unreachable endpoints are scheduled here too.
 */
final class Maintenance<Req, Resp> {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    /** The least delay before looking again when a reconnect could not even start, so it never spins. */
    private static final long RETRY_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final PoolSettings settings;
    private final EndpointSet set;
    private final ConnectionPool<Req, Resp> pool;
    private final Connections<Req, Resp> connections;
    private final Capacity capacity;
    private final TimeSource time;
    private final Executor background;
    private final long maxIdleNanos;
    /**
     * A connection given back less than this long ago (the shorter of {@code validateAfterInactivity} and the
     * keep-alive interval) is left alone: it needs no probe (the reuse check covers it), no ping and no eviction,
     * and claiming it would make a caller who wants it that instant connect anew.
     */
    private final long recentlyUsedNanos;
    private final long drainTimeoutNanos;
    private final OutlierDetector outliers;
    /** Told when an endpoint changes place in the set (warm, or drained and gone). */
    private final Runnable setChanged;
    private volatile boolean stopped;

    Maintenance(PoolSettings settings, EndpointSet set, ConnectionPool<Req, Resp> pool,
                Connections<Req, Resp> connections, Capacity capacity, TimeSource time, Executor background,
                Runnable setChanged, OutlierDetector outliers) {
        this.outliers = outliers;
        this.settings = settings;
        this.set = set;
        this.setChanged = setChanged;
        this.drainTimeoutNanos = settings.drainTimeout().toNanos();
        this.pool = pool;
        this.connections = connections;
        this.capacity = capacity;
        this.time = time;
        this.background = background;
        this.maxIdleNanos = settings.maxIdleTime().toNanos();
        long keepAlive = settings.keepAliveInterval().toNanos();
        long validate = settings.validateAfterInactivity().toNanos();
        this.recentlyUsedNanos = keepAlive > 0 ? Math.min(validate, keepAlive) : validate;
    }

    /** Runs the first maintenance now and every interval after. */
    void start() {
        time.schedule(this::runAndReschedule, 0);
    }

    private void runAndReschedule() {
        if (stopped) {
            return;
        }
        try {
            runOnce();
        } finally {
            if (!stopped) {
                time.schedule(this::runAndReschedule, settings.maintenanceInterval().toNanos());
            }
        }
    }

    void stop() {
        stopped = true;
    }

    /** One maintenance run at the clock's current time. */
    void runOnce() {
        if (stopped) {
            return;
        }
        EndpointSet.View view = set.view();
        try {
            outliers.run(view.candidates);
        } catch (RuntimeException e) {
            LOG.warn("outlier detection failed; it will run again in {}", settings.maintenanceInterval(), e);
        }
        for (EndpointPool ep : view.all) {
            try {
                if (ep.draining) {
                    drain(ep);
                } else {
                    maintainIdle(ep);
                }
            } catch (RuntimeException | AssertionError e) {
                if (!stopped) {
                    LOG.warn("pool maintenance of {} failed; it will run again in {}", ep, settings.maintenanceInterval(), e);
                }
            }
        }
        topUp(set.view());
    }

    /**
     * A removed endpoint: its idle connections close at once; it leaves the set when it has no connections left,
     * or when the drain timeout passed, closing those still out (their calls fail with the state they reached).
     */
    private void drain(EndpointPool ep) {
        pool.closeIdle(ep, DestroyReason.ENDPOINT_REMOVED);
        if (!ep.live.isEmpty()) {
            long drainingFor = time.nanoTime() - ep.drainingSinceNanos;
            if (drainingFor < drainTimeoutNanos) {
                return;
            }
            int closed = pool.closeAllOf(ep, DestroyReason.ENDPOINT_REMOVED);
            LOG.warn("removed endpoint {}: {} connection(s) still in use after the drain timeout of {}; closed under their calls",
                    ep, closed, settings.drainTimeout());
        }
        if (ep.draining && set.drained(ep)) {
            LOG.info("removed endpoint {} drained: all its connections are closed", ep);
            setChanged.run();
        }
    }

    /** Starts warming an endpoint just added (the set's warming place) without waiting for the next run. */
    void warmNow(EndpointPool ep) {
        topUp(new EndpointPool[] {ep});
    }

    /**
     * Checks each idle connection of {@code ep}, holding only the one it checks: a ping that waits for a slow peer
     * keeps no other connection from callers. Connections idle too long beyond the minimum go least recently used
     * first (decided on a first pass, without claiming); the checks then run most recently used first, each one
     * handed straight back as the least recently used, which leaves the reuse order as it was.
     */
    private void maintainIdle(EndpointPool ep) {
        List<PooledConnection<Req, Resp>> mostRecentFirst = new ArrayList<>();
        @SuppressWarnings("unchecked")
        PooledConnection<Req, Resp> recent = (PooledConnection<Req, Resp>) ep.recent.get();
        if (recent != null && pool.lifo()) {
            mostRecentFirst.add(recent);
        }
        Iterator<PooledConnection<?, ?>> it = pool.lifo() ? ep.idle.iterator() : ep.idle.descendingIterator();
        while (it.hasNext()) {
            @SuppressWarnings("unchecked")
            PooledConnection<Req, Resp> pc = (PooledConnection<Req, Resp>) it.next();
            mostRecentFirst.add(pc);
        }
        long start = time.nanoTime();
        java.util.Set<PooledConnection<Req, Resp>> beyondMinimum = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int idle = mostRecentFirst.size();
        for (int i = mostRecentFirst.size() - 1; i >= 0 && idle > settings.minIdlePerEndpoint(); i--) {
            PooledConnection<Req, Resp> pc = mostRecentFirst.get(i);
            if (start - pc.lastUsedNanos >= maxIdleNanos) {
                beyondMinimum.add(pc);
                idle--;
            }
        }
        for (PooledConnection<Req, Resp> pc : mostRecentFirst) {
            if (stopped) {
                return;
            }
            if (start - pc.lastUsedNanos < recentlyUsedNanos && !connections.pastItsTime(pc, start)) {
                continue; // in use a moment ago (see recentlyUsedNanos); one past its lifetime still goes now
            }
            if (!pc.claim(PooledConnection.MAINTAINED)) {
                continue; // a caller took it, or it is gone
            }
            if (!ep.recent.compareAndSet(pc, null)) {
                ep.idle.removeFirstOccurrence(pc);
            }
            long now = time.nanoTime();
            // Used again since the first pass? Then it is not idle too long any more.
            boolean idleTooLong = beyondMinimum.contains(pc) && now - pc.lastUsedNanos >= maxIdleNanos;
            if (idleTooLong) {
                pc.retire(DestroyReason.IDLE);
            }
            if (idleTooLong || !keep(ep, pc, now)) {
                pool.destroy(pc, null);
            } else {
                pool.offer(ep, pc, true);
            }
        }
    }

    /**
     * Whether an idle connection maintenance owns may stay. One whose check throws (a transport or codec fault,
     * an Error included) goes, and the run goes on with the others: they are still claimed by it.
     */
    private boolean keep(EndpointPool ep, PooledConnection<Req, Resp> pc, long now) {
        try {
            if (!connections.outdated(pc, now) && connections.healthyWhileIdle(pc, now)) {
                return true;
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("maintenance check of an idle connection to {} failed unexpectedly; replacing the connection", ep, e);
        }
        pc.retire(DestroyReason.BROKEN); // unless the check recorded a more precise reason
        return false;
    }

    private void topUp(EndpointSet.View view) {
        topUp(view.candidates);
    }

    private void topUp(EndpointPool[] candidates) {
        int min = settings.minIdlePerEndpoint();
        if (min == 0) {
            return;
        }
        for (EndpointPool ep : candidates) {
            if (!stopped && !ep.draining && ep.idleCount() >= min) {
                promoteIfWarming(ep);
            }
            if (stopped || ep.draining || ep.breakerOpen() || !ep.health.isUp() || ep.idleCount() >= min
                    || !ep.warming.compareAndSet(false, true)) {
                continue;
            }
            try {
                background.execute(() -> warm(ep, min));
            } catch (RejectedExecutionException e) {
                ep.warming.set(false);
                LOG.debug("could not schedule opening idle connections to {}: {}", ep, e.toString());
            }
        }
    }

    /** Opens connections until {@code ep} has {@code min} idle. */
    private void warm(EndpointPool ep, int min) {
        Added last = Added.YES;
        try {
            while (!stopped && !ep.draining && ep.idleCount() < min && ep.health.isUp()) {
                last = addOne(ep);
                if (last != Added.YES) {
                    return;
                }
            }
        } finally {
            ep.warming.set(false);
            // Warm, or as warm as the client's room allows: an added endpoint takes its share from now on.
            if (!stopped && !ep.draining && (ep.idleCount() >= min || last == Added.NO_ROOM)) {
                promoteIfWarming(ep);
            }
        }
    }

    private void promoteIfWarming(EndpointPool ep) {
        if (set.isWarming(ep) && set.promote(ep)) {
            LOG.info("added endpoint {} is warm ({} idle connection(s)) and takes calls", ep, ep.idleCount());
            setChanged.run();
        }
    }

    /**
     * Schedules one reconnect attempt to an unreachable endpoint for when its backoff ends. The attempt connects
     * on the background executor, like the warm-up: it is one idle connection added to the pool, which wakes the
     * callers waiting for the endpoint (see {@link Reachability}).
     */
    void scheduleProbe(EndpointPool ep) {
        scheduleProbe(ep, 1);
    }

    private void scheduleProbe(EndpointPool ep, long minDelayNanos) {
        if (stopped || ep.draining || !ep.probeScheduled.compareAndSet(false, true)) {
            return;
        }
        time.schedule(() -> {
            ep.probeScheduled.set(false);
            try {
                background.execute(() -> probe(ep));
            } catch (RejectedExecutionException e) {
                LOG.debug("could not start a reconnect to {}: {}", ep, e.toString());
                scheduleProbe(ep, RETRY_PROBE_NANOS);
            }
        }, Math.max(minDelayNanos, ep.health.nanosUntilAttempt()));
    }

    private void probe(EndpointPool ep) {
        if (stopped || ep.draining || ep.health.isUp()) {
            return;
        }
        if (addOne(ep) != Added.YES && !ep.health.isUp()) {
            // No room (every slot held by leases or other endpoints' connections), or the attempt could not
            // start: look again after the backoff. A failed connect has already scheduled this (a no-op then).
            scheduleProbe(ep, RETRY_PROBE_NANOS);
        }
    }

    private enum Added { YES, NO_ROOM, FAILED }

    /** Opens one connection to {@code ep} in free room and hands it to a waiting caller or the idle set. */
    private Added addOne(EndpointPool ep) {
        if (pool.isClosed()) {
            return Added.FAILED;
        }
        Slot slot = capacity.tryTake(ep.endpoint);
        if (slot == null) {
            return Added.NO_ROOM;
        }
        try {
            pool.offer(ep, connections.open(ep, slot, connections.backgroundDeadline(), false));
            connections.reportConnected(ep);
            return Added.YES;
        } catch (dev.tether.core.TetherException e) {
            LOG.debug("could not open an idle connection to {}: {}", ep, e.toString());
            pool.roomFreed(ep);
            return Added.FAILED;
        } catch (RuntimeException e) {
            LOG.warn("could not open an idle connection to {}", ep, e);
            pool.roomFreed(ep);
            return Added.FAILED;
        }
    }
}
