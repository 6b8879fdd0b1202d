package dev.tether.pool.internal;

/**
 * The client's monotonic time, in nanoseconds: {@link #SYSTEM} in production, a hand-driven source in tests so
 * backoff, breaker periods and waits are checked by advancing time instead of sleeping.
 */
@FunctionalInterface
public interface TimeSource {
    /** {@link System#nanoTime()}. */
    TimeSource SYSTEM = System::nanoTime;

    /** Monotonic nanoseconds; only differences mean anything. */
    long nanoTime();
}
