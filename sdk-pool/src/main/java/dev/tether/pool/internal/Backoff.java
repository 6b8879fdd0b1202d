package dev.tether.pool.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * An exponential delay with jitter: {@code min(max, initial * multiplier^(n-1))}, lengthened or shortened by up
 * to {@code ±jitter} of itself. Pure arithmetic over an injected random source, so tests check the schedule
 * exactly. Used for reconnect attempts, circuit-breaker open periods and endpoint-source retries.
 */
final class Backoff {
    private final long initialNanos;
    private final double multiplier;
    private final double jitter;
    private final long maxNanos;
    private final DoubleSupplier random;

    Backoff(Duration initial, double multiplier, double jitter, Duration max, DoubleSupplier random) {
        this.initialNanos = initial.toNanos();
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxNanos = Math.max(initialNanos, max.toNanos());
        this.random = random;
    }

    /** The delay after the {@code n}-th consecutive failure (n from 1), jittered. */
    long delayNanos(int n) {
        double base = initialNanos * Math.pow(multiplier, Math.max(0, n - 1));
        double capped = Math.min(maxNanos, base);
        double spread = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Math.max(1, (long) (capped * spread));
    }

    /** The longest delay this backoff can ever give, jitter included. */
    long maxDelayNanos() {
        return (long) (maxNanos * (1 + jitter));
    }
}
