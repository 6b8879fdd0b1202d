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
            if (stopped || ep.breakerOpen() || idle(ep) >= min || !ep.warming.compareAndSet(false, true)) {
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
            while (!stopped && idle(ep) < min) {
                if (!ep.permits.tryAcquire()) {
                    return;
                }
                if (!totalPermits.tryAcquire()) {
                    ep.permits.release();
                    return;
                }
                try {
                    long made = ep.created.sum();
                    pool.addObject(ep.endpoint);
                    if (ep.created.sum() == made) {
                        // commons-pool2 adds nothing, silently, when its own count is at maxTotal or
                        // maxPerEndpoint: idle connections there hold no permit (of another endpoint, or of this
                        // one while others are lent out). Trying again at once would spin until room appears.
                        return;
                    }
                    if (stopped) {
                        // The client closed while this connect ran: the pool may already have been cleared and
                        // closed, and commons-pool2 still parks the new connection as idle. Nothing would close it.
                        pool.clear(ep.endpoint, false);
                        return;
                    }
                } catch (TetherException e) {
                    LOG.debug("could not open an idle connection to {}: {}", ep, e.toString());
                    return;
                } catch (IllegalStateException closed) {
                    return;
                } catch (Exception e) {
                    LOG.warn("could not open an idle connection to {}", ep, e);
                    return;
                } finally {
                    totalPermits.release();
                    ep.permits.release();
                }
            }
        } finally {
            ep.warming.set(false);
        }
    }
}
