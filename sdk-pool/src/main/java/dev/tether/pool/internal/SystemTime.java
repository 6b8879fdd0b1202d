package dev.tether.pool.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} and one daemon timer thread per client (started on first use, so a client that
 * never schedules anything has none), plus one that times out parked virtual threads ({@link DeadlineWakeups},
 * started when a virtual thread first parks). Timer tasks must be short: anything that does I/O hands itself to the
 * client's executor.
 */
public final class SystemTime implements TimeSource {
    private final String threadName;
    private final java.util.concurrent.atomic.AtomicReference<ScheduledThreadPoolExecutor> timer =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean shutdown;
    /** Timed parks of virtual threads (see there why not {@code parkNanos}). */
    private final DeadlineWakeups virtualParks;

    public SystemTime(String threadName) {
        this.threadName = threadName;
        this.virtualParks = new DeadlineWakeups(System::nanoTime, threadName + "-deadlines");
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** The JDK's clock as deadlines know it, so socket waits take a deadline's time as it is. */
    @Override
    public java.util.function.LongSupplier deadlineClock() {
        return dev.tether.core.Deadline.systemClock();
    }

    @Override
    public void park(Object blocker, long nanos) {
        if (VirtualThreads.current()) {
            virtualParks.park(blocker, nanos);
        } else {
            LockSupport.parkNanos(blocker, nanos);
        }
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
        ScheduledThreadPoolExecutor t = timer.get();
        if (t != null) {
            return t;
        }
        ScheduledThreadPoolExecutor made = new ScheduledThreadPoolExecutor(1, AsyncExecutors.daemonThreads(threadName));
        made.setRemoveOnCancelPolicy(true);
        made.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        if (!timer.compareAndSet(null, made)) {
            made.shutdownNow(); // another caller made it first (no thread was started yet)
            return timer.get();
        }
        if (shutdown) {
            made.shutdownNow();
        }
        return made;
    }

    /** Stops the timer thread, interrupting a task in progress, and waits up to {@code waitMillis} for it. */
    public void shutdown(long waitMillis) {
        shutdown = true;
        virtualParks.stop();
        ScheduledThreadPoolExecutor t = timer.get();
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
