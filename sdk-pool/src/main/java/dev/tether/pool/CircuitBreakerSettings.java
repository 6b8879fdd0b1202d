package dev.tether.pool;

import static dev.tether.pool.internal.Checks.atLeast;
import static dev.tether.pool.internal.Checks.positive;

import java.time.Duration;

/**
 * When a {@link TetherClient} stops sending to an endpoint that keeps failing. Each endpoint has its own
 * breaker, which looks at the last {@code slidingWindowSize} attempts: once at least {@code minimumCalls} were
 * seen and the share that failed (or were slower than {@code slowCallDuration}) reaches its threshold, the
 * breaker opens and calls go to other endpoints. After {@code openDuration} a few probe calls
 * ({@code halfOpenCalls}) decide whether it closes again.
 *
 * <p>Defaults ({@link #defaults()}): enabled, {@code failureRateThreshold} 50%, {@code slowCallRateThreshold}
 * 80% with {@code slowCallDuration} 5s, {@code slidingWindowSize} 50, {@code minimumCalls} 20,
 * {@code openDuration} 10s, {@code halfOpenCalls} 3. Failures that say nothing about the endpoint's health (a
 * full pool, a request the codec could not encode) are not counted.
 */
public final class CircuitBreakerSettings {
    private static final CircuitBreakerSettings DEFAULTS = builder().build();
    private static final CircuitBreakerSettings DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final float failureRateThreshold;
    private final float slowCallRateThreshold;
    private final Duration slowCallDuration;
    private final int slidingWindowSize;
    private final int minimumCalls;
    private final Duration openDuration;
    private final int halfOpenCalls;

    private CircuitBreakerSettings(Builder b) {
        enabled = b.enabled;
        failureRateThreshold = b.failureRateThreshold;
        slowCallRateThreshold = b.slowCallRateThreshold;
        slowCallDuration = b.slowCallDuration;
        slidingWindowSize = b.slidingWindowSize;
        minimumCalls = b.minimumCalls;
        openDuration = b.openDuration;
        halfOpenCalls = b.halfOpenCalls;
    }

    public static CircuitBreakerSettings defaults() {
        return DEFAULTS;
    }

    /** No breaker: every endpoint always takes calls. */
    public static CircuitBreakerSettings disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().enabled(enabled).failureRateThreshold(failureRateThreshold)
                .slowCallRateThreshold(slowCallRateThreshold).slowCallDuration(slowCallDuration)
                .slidingWindowSize(slidingWindowSize).minimumCalls(minimumCalls).openDuration(openDuration)
                .halfOpenCalls(halfOpenCalls);
    }

    public boolean enabled() { return enabled; }

    /** Percentage of failed attempts (1-100) that opens the breaker. */
    public float failureRateThreshold() { return failureRateThreshold; }

    /** Percentage of slow attempts (1-100) that opens the breaker. */
    public float slowCallRateThreshold() { return slowCallRateThreshold; }

    /** An attempt taking at least this long counts as slow. */
    public Duration slowCallDuration() { return slowCallDuration; }

    /** How many recent attempts the rates are computed over. */
    public int slidingWindowSize() { return slidingWindowSize; }

    /** Attempts needed in the window before the rates can open the breaker. */
    public int minimumCalls() { return minimumCalls; }

    /** How long an open breaker refuses calls before letting probes through. */
    public Duration openDuration() { return openDuration; }

    /** Probe calls let through while half open. */
    public int halfOpenCalls() { return halfOpenCalls; }

    @Override
    public String toString() {
        return "CircuitBreakerSettings[enabled=" + enabled + ", failureRateThreshold=" + failureRateThreshold
                + "%, slowCallRateThreshold=" + slowCallRateThreshold + "%, slowCallDuration=" + slowCallDuration
                + ", slidingWindowSize=" + slidingWindowSize + ", minimumCalls=" + minimumCalls + ", openDuration="
                + openDuration + ", halfOpenCalls=" + halfOpenCalls + "]";
    }

    /** Builds {@link CircuitBreakerSettings}; each setter rejects a bad value with a message naming it. */
    public static final class Builder {
        private boolean enabled = true;
        private float failureRateThreshold = 50;
        private float slowCallRateThreshold = 80;
        private Duration slowCallDuration = Duration.ofSeconds(5);
        private int slidingWindowSize = 50;
        private int minimumCalls = 20;
        private Duration openDuration = Duration.ofSeconds(10);
        private int halfOpenCalls = 3;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** A percentage greater than 0 and at most 100. */
        public Builder failureRateThreshold(float percent) {
            failureRateThreshold = percentage("failureRateThreshold", percent);
            return this;
        }

        /** A percentage greater than 0 and at most 100. */
        public Builder slowCallRateThreshold(float percent) {
            slowCallRateThreshold = percentage("slowCallRateThreshold", percent);
            return this;
        }

        public Builder slowCallDuration(Duration duration) {
            slowCallDuration = positive("slowCallDuration", duration);
            return this;
        }

        public Builder slidingWindowSize(int attempts) {
            slidingWindowSize = atLeast("slidingWindowSize", attempts, 1);
            return this;
        }

        public Builder minimumCalls(int attempts) {
            minimumCalls = atLeast("minimumCalls", attempts, 1);
            return this;
        }

        public Builder openDuration(Duration duration) {
            openDuration = positive("openDuration", duration);
            return this;
        }

        public Builder halfOpenCalls(int calls) {
            halfOpenCalls = atLeast("halfOpenCalls", calls, 1);
            return this;
        }

        /**
         * @throws IllegalArgumentException when {@code minimumCalls} exceeds {@code slidingWindowSize}
         */
        public CircuitBreakerSettings build() {
            if (minimumCalls > slidingWindowSize) {
                throw new IllegalArgumentException("minimumCalls must not exceed slidingWindowSize: " + minimumCalls
                        + " > " + slidingWindowSize);
            }
            return new CircuitBreakerSettings(this);
        }

        private static float percentage(String name, float percent) {
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException(name + " must be a percentage within (0, 100]: " + percent);
            }
            return percent;
        }
    }
}
