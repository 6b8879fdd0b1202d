package dev.tether.pool.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Timed parks of virtual threads without the JDK's per-park timer. A virtual thread's {@code parkNanos} schedules a
 * timeout task and cancels it when the thread is unparked; on JDK 25 each of those wakes the JDK's delay-scheduler
 * thread (a futex wake and a context switch on every park), which took a quarter of a pipelined client's CPU.
 * Callers of a pool are nearly always unparked long before their deadline, so here they park untimed, listed by
 * deadline ({@link SleeperHeap}), and one watcher thread per client sleeps until the earliest deadline and wakes
 * whoever has reached theirs. The watcher is woken only when a new deadline comes before the one it sleeps towards,
 * which for callers with the same timeout is almost never: it wakes about once per timeout, not once per park.
 *
 * <p>Platform threads keep {@code LockSupport.parkNanos} (a timed futex wait, no other thread involved).
 */
final class DeadlineWakeups {
    /** {@link #watcherWakesAt} when the watcher waits for a sleeper to arrive. */
    private static final long NONE = SleeperHeap.NONE;
    /** {@link #watcherWakesAt} while the watcher runs: it looks at the list before it sleeps again. */
    private static final long AWAKE = Long.MIN_VALUE;
    /**
     * Longer parks are cut to this (the caller loops and parks again): keeps every deadline within reach of the
     * clock, so deadlines compare by difference without overflow.
     */
    private static final long LONGEST_PARK = 600_000_000_000L;

    private final LongSupplier clock;
    private final String threadName;
    final SleeperHeap sleepers = new SleeperHeap();
    private final AtomicReference<Thread> watcher = new AtomicReference<>();
    /** The clock time the watcher sleeps until, or {@link #NONE}, or {@link #AWAKE}. */
    private volatile long watcherWakesAt = NONE;
    private volatile boolean stopped;

    DeadlineWakeups(LongSupplier clock, String threadName) {
        this.clock = clock;
        this.threadName = threadName;
    }

    /**
     * Parks the calling thread until it is unparked or {@code nanos} of the clock have passed (woken by the
     * watcher), whichever is first; like {@code parkNanos} it may also return for no reason.
     */
    void park(Object blocker, long nanos) {
        if (nanos <= 0) {
            return;
        }
        if (stopped) {
            LockSupport.parkNanos(blocker, nanos);
            return;
        }
        long deadline = clock.getAsLong() + Math.min(nanos, LONGEST_PARK);
        SleeperHeap.Sleeper s = sleepers.add(Thread.currentThread(), deadline);
        try {
            // Added before reading where the watcher sleeps to; the watcher writes that before it looks at the
            // list again: one of the two sees the other, so no deadline is missed.
            long wakesAt = watcherWakesAt;
            if (wakesAt == NONE || (wakesAt != AWAKE && deadline - wakesAt < 0)) {
                Thread w = watcher();
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
            if (stopped) {
                // Stopped (or the watcher could not start) around the time this one listed itself: nobody may
                // come to wake it, so it times itself. One listed before the stop is woken by it.
                LockSupport.parkNanos(blocker, nanos);
                return;
            }
            LockSupport.park(blocker);
        } finally {
            sleepers.remove(s);
        }
    }

    /** Sleepers not yet woken or gone (for tests). */
    int waiting() {
        return sleepers.size();
    }

    /**
     * Wakes every sleeper whose deadline has come and returns the earliest deadline left ({@link #NONE} if none).
     * The watcher's loop; tests call it with a clock moved by hand.
     */
    long wakeExpired() {
        long now = clock.getAsLong();
        for (SleeperHeap.Sleeper due; (due = sleepers.pollExpired(now)) != null; ) {
            LockSupport.unpark(due.thread);
        }
        return sleepers.firstDeadline();
    }

    /** Stops the watcher; parks from now on are the JDK's own timed parks. Sleepers listed are woken. */
    void stop() {
        stopped = true;
        Thread w = watcher.get();
        if (w != null) {
            w.interrupt();
        }
        for (Thread t : sleepers.threads()) {
            LockSupport.unpark(t);
        }
    }

    private Thread watcher() {
        Thread w = watcher.get();
        if (w != null) {
            return w;
        }
        // No inherited thread locals or class loader: the watcher outlives whichever caller happened to start it.
        Thread made = new Thread(null, this::watch, threadName, 0, false);
        made.setDaemon(true);
        made.setContextClassLoader(DeadlineWakeups.class.getClassLoader());
        if (watcher.compareAndSet(null, made)) {
            try {
                made.start();
            } catch (RuntimeException | Error e) {
                stop(); // no watcher: parks fall back to the JDK's timed parks instead of waiting untimed for good
                return null;
            }
            return made;
        }
        return watcher.get();
    }

    private void watch() {
        try {
            watchUntilStopped();
        } finally {
            // However it ended, no sleeper may be left waiting for it: they fall back to the JDK's timed parks.
            stop();
        }
    }

    private void watchUntilStopped() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            long next = wakeExpired();
            watcherWakesAt = next;
            // A sleeper added before that write may have seen an older, later time and not woken us: look again.
            if (sleepers.firstDeadline() != next) {
                continue;
            }
            if (next == NONE) {
                LockSupport.park(this);
            } else {
                long left = next - clock.getAsLong();
                if (left > 0) {
                    LockSupport.parkNanos(this, left);
                }
            }
            watcherWakesAt = AWAKE;
        }
    }

}
