package dev.tether.pool.internal;

import java.util.function.LongSupplier;

/**
 * The client's one clock: monotonic nanoseconds for deadlines, idle time, lifetime, keep-alive, leak detection,
 * backoff, retry budget and breaker periods; the timer that runs maintenance, reconnects and leak warnings; and
 * the timed waits of callers. {@link SystemTime} in production; tests drive a hand-moved source so time-based
 * rules are checked by advancing time instead of sleeping.
 */
public interface TimeSource extends LongSupplier {

    /** Monotonic nanoseconds; only differences mean anything. */
    long nanoTime();

    @Override
    default long getAsLong() {
        return nanoTime();
    }

    /**
     * Parks the calling thread for at most {@code nanos} of this source's time. It may return earlier (an unpark,
     * an interrupt, time moved by hand, or no reason): callers re-check their condition in a loop.
     */
    void park(Object blocker, long nanos);

    /** Runs {@code task} once, {@code delayNanos} from now on this source's time. */
    Scheduled schedule(Runnable task, long delayNanos);

    /** The clock deadlines are measured on: this source, or the JDK's own when it is the system clock. */
    default LongSupplier deadlineClock() {
        return this;
    }

    /** Stops the timer: tasks not yet run are dropped. */
    void shutdown();

    /** A task {@link #schedule} accepted. */
    @FunctionalInterface
    interface Scheduled {
        /** Drops the task if it has not run yet. */
        void cancel();
    }
}
