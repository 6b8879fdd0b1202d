package dev.tether.pool.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} and one daemon timer thread per client (started on first use, so a client that
 * never schedules anything has none). Timer tasks must be short: anything that does I/O hands itself to the
 * client's executor.
 */
public final class SystemTime implements TimeSource {
    private final String threadName;
    private volatile ScheduledThreadPoolExecutor timer;
    private volatile boolean shutdown;

    public SystemTime(String threadName) {
        this.threadName = threadName;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void park(Object blocker, long nanos) {
        LockSupport.parkNanos(blocker, nanos);
    }

    @Override
    public Scheduled schedule(Runnable task, long delayNanos) {
        if (shutdown) {
            return () -> { };
        }
        try {
            ScheduledFuture<?> f = timer().schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException stopped) {
            return () -> { };
        }
    }

    private ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = timer;
        if (t == null) {
            synchronized (this) { // no I/O inside: only creates the executor once
                t = timer;
                if (t == null) {
                    t = new ScheduledThreadPoolExecutor(1, AsyncExecutors.daemonThreads(threadName));
                    t.setRemoveOnCancelPolicy(true);
                    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                    timer = t;
                    if (shutdown) {
                        t.shutdownNow();
                    }
                }
            }
        }
        return t;
    }

    /** Stops the timer thread, interrupting a task in progress, and waits up to {@code waitMillis} for it. */
    public void shutdown(long waitMillis) {
        shutdown = true;
        ScheduledThreadPoolExecutor t = timer;
        if (t == null) {
            return;
        }
        t.shutdownNow();
        try {
            t.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void shutdown() {
        shutdown(0);
    }
}
