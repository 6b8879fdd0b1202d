package dev.tether.pool.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link TimeSource} tests move by hand, so time-based rules are checked without sleeping. Scheduled tasks run
 * on the thread that calls {@link #advance} (or {@link #runDue}), each at its due time and in order; threads
 * parked on this clock wake whenever it moves and look again.
 */
public final class ManualTime implements TimeSource {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong sequence = new AtomicLong();
    private final PriorityBlockingQueue<Task> tasks = new PriorityBlockingQueue<>();
    private final Set<Thread> parked = ConcurrentHashMap.newKeySet();
    private final AtomicLong parks = new AtomicLong();
    private volatile boolean shutdown;

    private final class Task implements Comparable<Task>, Scheduled {
        final long due;
        final long seq = sequence.incrementAndGet();
        final Runnable body;
        volatile boolean cancelled;

        Task(long due, Runnable body) {
            this.due = due;
            this.body = body;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public void cancel() {
            cancelled = true;
            tasks.remove(this);
        }
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void park(Object blocker, long nanos) {
        Thread me = Thread.currentThread();
        parked.add(me);
        parks.incrementAndGet();
        try {
            LockSupport.park(blocker);
        } finally {
            parked.remove(me);
        }
    }

    @Override
    public Scheduled schedule(Runnable task, long delayNanos) {
        Task t = new Task(now.get() + Math.max(0, delayNanos), task);
        if (!shutdown) {
            tasks.add(t);
        }
        return t;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        tasks.clear();
    }

    /** Moves the clock forward by {@code d}, running every task due on the way at its own time. */
    public void advance(Duration d) {
        long target = now.get() + d.toNanos();
        while (true) {
            Task next = tasks.peek();
            if (next == null || next.due - target > 0) {
                break;
            }
            tasks.remove(next);
            if (next.due - now.get() > 0) {
                now.set(next.due);
                wakeParked();
            }
            if (!next.cancelled && !shutdown) {
                next.body.run();
            }
        }
        now.set(target);
        wakeParked();
    }

    /** Runs the tasks due now (for example the first maintenance run, scheduled at start). */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Threads parked on this clock right now, for tests that wait until a caller is waiting. */
    public int parkedThreads() {
        return parked.size();
    }

    /** How many times a thread has parked on this clock so far: a woken thread that waits again adds one. */
    public long parks() {
        return parks.get();
    }

    /** Nanoseconds until the next scheduled task, or -1 when none is scheduled. */
    public long nanosUntilNextTask() {
        Task next = tasks.peek();
        return next == null ? -1 : Math.max(0, next.due - now.get());
    }

    private void wakeParked() {
        for (Thread t : parked) {
            LockSupport.unpark(t);
        }
    }
}
