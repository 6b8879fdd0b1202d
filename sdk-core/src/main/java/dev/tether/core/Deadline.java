package dev.tether.core;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in monotonic time ({@link System#nanoTime()}) by which an operation must finish. One deadline is
 * handed down through acquire, connect, handshake, write and read so a call never outlives its budget.
 */
public final class Deadline implements Comparable<Deadline> {
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private final long deadlineNanos;
    private final Duration budget;

    private Deadline(long deadlineNanos, Duration budget) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
    }

    /** A deadline {@code timeout} from now; the timeout must be positive. */
    public static Deadline after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        long nanos = saturatedNanos(timeout);
        return new Deadline(System.nanoTime() + nanos, timeout);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.min(d.toNanos(), MAX_NANOS);
        } catch (ArithmeticException overflow) {
            return MAX_NANOS;
        }
    }

    /** The budget this deadline was created with, for error messages. */
    public Duration budget() {
        return budget;
    }

    /** Nanoseconds left; zero or negative once expired. */
    public long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, remainingNanos()));
    }

    /** Whole milliseconds left, rounded up so a sub-millisecond remainder still waits; 0 once expired. */
    public long remainingMillisRoundedUp() {
        long n = remainingNanos();
        return n <= 0 ? 0 : (n + 999_999) / 1_000_000;
    }

    public boolean isExpired() {
        return remainingNanos() <= 0;
    }

    /** The earlier of this deadline and one {@code timeout} from now. */
    public Deadline min(Duration timeout) {
        Deadline other = after(timeout);
        return compareTo(other) <= 0 ? this : other;
    }

    /** The earlier of the two deadlines. */
    public Deadline min(Deadline other) {
        return compareTo(other) <= 0 ? this : other;
    }

    /** The absolute {@link System#nanoTime()} value of the deadline. */
    public long nanoTime() {
        return deadlineNanos;
    }

    @Override
    public int compareTo(Deadline o) {
        return Long.compare(deadlineNanos - o.deadlineNanos, 0);
    }

    @Override
    public String toString() {
        return "Deadline[" + TimedOutException.format(remaining()) + " left of " + TimedOutException.format(budget) + "]";
    }
}
