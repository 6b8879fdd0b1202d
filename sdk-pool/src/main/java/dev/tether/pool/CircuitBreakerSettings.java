package dev.tether.pool;

import static dev.tether.pool.Checks.atLeast;
import static dev.tether.pool.Checks.positive;

import java.time.Duration;

/**
 * When a {@link TetherClient} stops sending to an endpoint that keeps failing calls. Each endpoint has its own
 * breaker, which looks at the last {@code slidingWindowSize} attempts: once at least {@code minimumCalls} were
 * seen and the share that failed (or were slower than {@code slowCallDuration}) reaches its threshold, the
 * breaker opens and calls go to other endpoints. After the open period a few probe calls ({@code halfOpenCalls})
 * decide whether it closes again.
 *
 * <p>A breaker never makes an outage longer than the endpoint's own:
 * <ul>
 *   <li>It may only keep calls away from an endpoint while other endpoints can take them. When fewer than
 *   {@code panicThreshold} percent of all endpoints are healthy (reachable with a closed breaker), breakers are
 *   ignored and every reachable endpoint gets calls again (Envoy's "panic threshold"): with a single endpoint a
 *   breaker never refuses a call; connecting decides.</li>
 *   <li>Open periods start at {@code openDuration} and double with each consecutive trip (a failed half-open
 *   probe), jittered by ±20% and capped at {@code maxOpenDuration}; closing resets them.</li>
 *   <li>A successful new connection to an endpoint that was unreachable closes its breaker (see
 *   {@link ReconnectSettings}): a restarted server takes calls as soon as it accepts connections.</li>
 * </ul>
 *
 * <p>The breaker is the one place that decides whether an endpoint is out ("ejected"). Besides its failure rate
 * over the window, two outlier rules open it (in the spirit of Envoy's and gRPC's outlier detection, gRFC A50):
 * <ul>
 *   <li>{@code consecutiveFailures} attempts failing in a row open it at once, without waiting for
 *   {@code minimumCalls} (a server that answers every request with garbage is out within a few calls);</li>
 *   <li>with {@code outlierEjection}, an endpoint whose failure rate over the last window (closed by the maintenance
 *   thread once the endpoints made 10 attempts each on average; at least 10 of its own) is at least 20% and at
 *   least three times that of the other endpoints together is opened (a failure rate the whole set shares is not
 *   an outlier).
 *   Never more than {@code maxEjectionPercent} of the endpoints (at least one) are opened by this rule.</li>
 * </ul>
 * Either way the open period, its growth, its jitter, the half-open probes and the panic threshold are the
 * breaker's: one decision per endpoint.
 *
 * <p>Defaults ({@link #defaults()}): enabled, {@code failureRateThreshold} 50%, {@code slowCallRateThreshold}
 * 80% with {@code slowCallDuration} 5s, {@code slidingWindowSize} 50, {@code minimumCalls} 20,
 * {@code consecutiveFailures} 5, {@code outlierEjection} on with {@code maxEjectionPercent} 50%,
 * {@code openDuration} 1s growing to {@code maxOpenDuration} 30s, {@code halfOpenCalls} 3, {@code panicThreshold}
 * 50%. Failures that say nothing about the endpoint's health (a full pool, a request the codec could not encode,
 * a connect that failed: that is {@link ReconnectSettings}' business) are not counted.
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
    private final Duration maxOpenDuration;
    private final float panicThreshold;
    private final int consecutiveFailures;
    private final boolean outlierEjection;
    private final int maxEjectionPercent;

    private CircuitBreakerSettings(Builder b) {
        enabled = b.enabled;
        failureRateThreshold = b.failureRateThreshold;
        slowCallRateThreshold = b.slowCallRateThreshold;
        slowCallDuration = b.slowCallDuration;
        slidingWindowSize = b.slidingWindowSize;
        minimumCalls = b.minimumCalls;
        openDuration = b.openDuration;
        halfOpenCalls = b.halfOpenCalls;
        maxOpenDuration = b.maxOpenDuration;
        panicThreshold = b.panicThreshold;
        consecutiveFailures = b.consecutiveFailures;
        outlierEjection = b.outlierEjection;
        maxEjectionPercent = b.maxEjectionPercent;
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
                .halfOpenCalls(halfOpenCalls).maxOpenDuration(maxOpenDuration).panicThreshold(panicThreshold)
                .consecutiveFailures(consecutiveFailures).outlierEjection(outlierEjection)
                .maxEjectionPercent(maxEjectionPercent);
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

    /** How long an open breaker refuses calls before letting probes through, the first time it opens. */
    public Duration openDuration() { return openDuration; }

    /** The longest open period, however often the breaker trips in a row (never below {@code openDuration}). */
    public Duration maxOpenDuration() { return maxOpenDuration; }

    /**
     * Below this percentage of healthy endpoints, breakers are ignored and every reachable endpoint takes calls;
     * 0 lets breakers refuse calls even when no endpoint is left ({@link CircuitOpenException}).
     */
    public float panicThreshold() { return panicThreshold; }

    /** Probe calls let through while half open. */
    public int halfOpenCalls() { return halfOpenCalls; }

    /** Attempts failing in a row that open the breaker at once; 0 turns the rule off. */
    public int consecutiveFailures() { return consecutiveFailures; }

    /** Whether an endpoint failing far more often than the others is opened (see the class comment). */
    public boolean outlierEjection() { return outlierEjection; }

    /** The largest share of endpoints (at least one) the outlier rule opens at once. */
    public int maxEjectionPercent() { return maxEjectionPercent; }

    @Override
    public String toString() {
        return "CircuitBreakerSettings[enabled=" + enabled + ", failureRateThreshold=" + failureRateThreshold
                + "%, slowCallRateThreshold=" + slowCallRateThreshold + "%, slowCallDuration=" + slowCallDuration
                + ", slidingWindowSize=" + slidingWindowSize + ", minimumCalls=" + minimumCalls + ", openDuration="
                + openDuration + ", maxOpenDuration=" + maxOpenDuration + ", halfOpenCalls=" + halfOpenCalls + ", panicThreshold="
                + panicThreshold + "%, consecutiveFailures=" + consecutiveFailures + ", outlierEjection="
                + outlierEjection + ", maxEjectionPercent=" + maxEjectionPercent + "%]";
    }

    /** Builds {@link CircuitBreakerSettings}; each setter rejects a bad value with a message naming it. */
    public static final class Builder {
        private boolean enabled = true;
        private float failureRateThreshold = 50;
        private float slowCallRateThreshold = 80;
        private Duration slowCallDuration = Duration.ofSeconds(5);
        private int slidingWindowSize = 50;
        private int minimumCalls = 20;
        private Duration openDuration = Duration.ofSeconds(1);
        private Duration maxOpenDuration = Duration.ofSeconds(30);
        private int halfOpenCalls = 3;
        private float panicThreshold = 50;
        private int consecutiveFailures = 5;
        private boolean outlierEjection = true;
        private int maxEjectionPercent = 50;

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

        public Builder maxOpenDuration(Duration duration) {
            maxOpenDuration = positive("maxOpenDuration", duration);
            return this;
        }

        /** A percentage from 0 (never ignore breakers) to 100. */
        public Builder panicThreshold(float percent) {
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("panicThreshold must be a percentage within [0, 100]: " + percent);
            }
            panicThreshold = percent;
            return this;
        }

        /** At least 0; 0 turns the consecutive-failures rule off. */
        public Builder consecutiveFailures(int failures) {
            consecutiveFailures = atLeast("consecutiveFailures", failures, 0);
            return this;
        }

        public Builder outlierEjection(boolean on) {
            outlierEjection = on;
            return this;
        }

        /** A percentage from 1 to 100 of the endpoints. */
        public Builder maxEjectionPercent(int percent) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("maxEjectionPercent must be within [1, 100]: " + percent);
            }
            maxEjectionPercent = percent;
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
