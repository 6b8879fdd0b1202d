package dev.tether.pool.internal;

import dev.tether.core.TetherException;
import dev.tether.pool.PoolSettings;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one background thread (a daemon, so it never holds up JVM exit). Each run evicts idle
 * connections by the {@link EvictionRules}, checks the rest without blocking and pings those due a keep-alive
 * (each ping bounded by its timeout), then asks for replacements up to the minimum idle count. Connecting for
 * those happens on the async executor, never on this thread, so a slow endpoint cannot stall eviction. Leak
 * warnings are scheduled here too.
 */
final class Maintenance<Req, Resp> {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    /** The least delay before looking again when a reconnect could not even start, so it never spins. */
    private static final long RETRY_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final PoolSettings settings;
    private final GenericKeyedObjectPool<dev.tether.core.Endpoint, PooledConnection<Req, Resp>> pool;
    private final EndpointPool[] pools;
    private final Semaphore totalPermits;
    private final Executor background;
    private final ScheduledThreadPoolExecutor scheduler;
    private final java.util.function.LongConsumer flushReady;
    private volatile boolean stopped;

    Maintenance(String name, PoolSettings settings,
                GenericKeyedObjectPool<dev.tether.core.Endpoint, PooledConnection<Req, Resp>> pool,
                EndpointPool[] pools, Semaphore totalPermits, Executor background,
                java.util.function.LongConsumer flushReady) {
        this.flushReady = flushReady;
        this.settings = settings;
        this.pool = pool;
        this.pools = pools;
        this.totalPermits = totalPermits;
        this.background = background;
        this.scheduler = new ScheduledThreadPoolExecutor(1, AsyncExecutors.daemonThreads(name + "-pool-maintenance"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    void start() {
        long interval = settings.maintenanceInterval().toNanos();
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, interval, TimeUnit.NANOSECONDS);
    }

    /** Stops the thread, interrupting a ping in progress (which closes that connection). */
    void stop() {
        stopped = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(settings.keepAliveTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warn("pool maintenance thread did not stop in time; it is a daemon and will not block exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void runOnce() {
        if (stopped) {
            return;
        }
        ConnectionFactory.enterMaintenance();
        try {
            // Connections parked for quick reuse but not reused within an interval go back where eviction sees them.
            flushReady.accept(settings.maintenanceInterval().toNanos());
            pool.evict();
        } catch (Exception | AssertionError e) {
            if (!stopped) {
                LOG.warn("pool maintenance failed; it will run again in {}", settings.maintenanceInterval(), e);
            }
        } finally {
            ConnectionFactory.exitMaintenance();
        }
        topUp();
    }

    private void topUp() {
        int min = settings.minIdlePerEndpoint();
        if (min == 0) {
            return;
        }
        for (EndpointPool ep : pools) {
            if (stopped || ep.breakerOpen() || !ep.health.isUp() || idle(ep) >= min
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

    private int idle(EndpointPool ep) {
        return pool.getNumIdle(ep.endpoint) + ep.ready.size();
    }

    /** Opens connections until {@code ep} has {@code min} idle, taking permits so callers' limits hold. */
    private void warm(EndpointPool ep, int min) {
        try {
            while (!stopped && idle(ep) < min && ep.health.isUp()) {
                if (addOne(ep) != Added.YES) {
                    return;
                }
            }
        } finally {
            ep.warming.set(false);
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
        if (stopped || !ep.probeScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                ep.probeScheduled.set(false);
                try {
                    background.execute(() -> probe(ep));
                } catch (RejectedExecutionException e) {
                    LOG.debug("could not start a reconnect to {}: {}", ep, e.toString());
                    scheduleProbe(ep, RETRY_PROBE_NANOS);
                }
            }, Math.max(minDelayNanos, ep.health.nanosUntilAttempt()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            ep.probeScheduled.set(false); // stopping
        }
    }

    private void probe(EndpointPool ep) {
        if (stopped || ep.health.isUp()) {
            return;
        }
        if (addOne(ep) != Added.YES && !ep.health.isUp()) {
            // No room (every permit held by leases or other endpoints' connections), or the attempt could not
            // start: look again after the backoff. A failed connect has already scheduled this (a no-op then).
            scheduleProbe(ep, RETRY_PROBE_NANOS);
        }
    }

    private enum Added { YES, NO_ROOM, FAILED }

    /** Adds one idle connection to {@code ep} through commons-pool2, holding permits while it connects. */
    private Added addOne(EndpointPool ep) {
        if (!ep.permits.tryAcquire()) {
            return Added.NO_ROOM;
        }
        if (!totalPermits.tryAcquire()) {
            ep.permits.release();
            return Added.NO_ROOM;
        }
        try {
            long made = ep.created.sum();
            pool.addObject(ep.endpoint);
            if (ep.created.sum() == made) {
                // commons-pool2 adds nothing, silently, when its own count is at maxTotal or maxPerEndpoint: idle
                // connections there hold no permit (of another endpoint, or of this one while others are lent
                // out). Trying again at once would spin until room appears.
                return Added.NO_ROOM;
            }
            if (stopped) {
                // The client closed while this connect ran: the pool may already have been cleared and closed,
                // and commons-pool2 still parks the new connection as idle. Nothing would close it.
                pool.clear(ep.endpoint, false);
                return Added.FAILED;
            }
            return Added.YES;
        } catch (TetherException e) {
            LOG.debug("could not open an idle connection to {}: {}", ep, e.toString());
            return Added.FAILED;
        } catch (IllegalStateException closed) {
            return Added.FAILED;
        } catch (Exception e) {
            LOG.warn("could not open an idle connection to {}", ep, e);
            return Added.FAILED;
        } finally {
            totalPermits.release();
            ep.permits.release();
        }
    }
}
