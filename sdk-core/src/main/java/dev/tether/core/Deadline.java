package dev.tether.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A point in monotonic time ({@link System#nanoTime()}) by which an operation must finish. One deadline is
 * handed down through acquire, connect, handshake, write and read so a call never outlives its budget.
 */
public final class Deadline implements Comparable<Deadline> {
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    /** {@link System#nanoTime()}: the clock of every deadline not given another. */
    private static final LongSupplier SYSTEM = System::nanoTime;

    /**
     * The system clock as deadlines know it: a deadline on it needs no conversion when the operating system or the
     * JDK waits for it ({@link #systemNanoTime()}). A client clock that is {@link System#nanoTime()} should hand
     * this to {@link #after(Duration, LongSupplier, long)}.
     */
    public static LongSupplier systemClock() {
        return SYSTEM;
    }

    private final long deadlineNanos;
    private final Duration budget;
    private final LongSupplier clock;

    private Deadline(long deadlineNanos, Duration budget, LongSupplier clock) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
        this.clock = clock;
    }

    /** A deadline {@code timeout} from now; the timeout must be positive. */
    public static Deadline after(Duration timeout) {
        return after(timeout, SYSTEM);
    }

    /**
     * A deadline {@code timeout} from now on {@code clock} (monotonic nanoseconds), which also measures what is
     * left. For code whose time a test drives by hand; I/O waits still last at most the remaining time.
     */
    public static Deadline after(Duration timeout, LongSupplier clock) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(clock, "clock");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return after(timeout, clock, clock.getAsLong());
    }

    /** {@link #after(Duration, LongSupplier)} for a caller that has just read {@code clock} as {@code now}. */
    public static Deadline after(Duration timeout, LongSupplier clock, long now) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(clock, "clock");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new Deadline(now + saturatedNanos(timeout), timeout, clock);
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
        return deadlineNanos - clock.getAsLong();
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
        Deadline other = after(timeout, clock);
        return compareTo(other) <= 0 ? this : other;
    }

    /** The earlier of the two deadlines. */
    public Deadline min(Deadline other) {
        return compareTo(other) <= 0 ? this : other;
    }

    /**
     * The deadline as a {@link System#nanoTime()} value, for waits the operating system or the JDK time: on
     * another clock, what is left of it from now.
     */
    public long systemNanoTime() {
        return clock == SYSTEM ? deadlineNanos : System.nanoTime() + remainingNanos();
    }

    /** The absolute value of the deadline on its clock ({@link System#nanoTime()} unless given another). */
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
