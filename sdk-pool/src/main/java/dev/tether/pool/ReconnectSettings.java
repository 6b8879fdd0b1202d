package dev.tether.pool;

import java.time.Duration;

/**
 * How a {@link TetherClient} paces new connection attempts to an endpoint that refuses them or times out (in the
 * manner of gRPC's connection backoff). Once a connect to an endpoint fails, the endpoint is <i>down</i>: callers
 * stop connecting to it, and one background attempt at a time tries again after a backoff that starts at
 * {@code initialBackoff} and grows by {@code multiplier} per failed attempt up to {@code maxBackoff}, each delay
 * spread by {@code ±jitter} so many clients do not reconnect in step. The first successful connect makes the
 * endpoint usable again at once, resets the backoff and closes its circuit breaker. However many callers wait,
 * the server sees this one schedule of attempts, not one handshake per caller.
 *
 * <p>Defaults ({@link #defaults()}): {@code initialBackoff} 20ms, {@code multiplier} 1.6, {@code jitter} 0.2,
 * {@code maxBackoff} 200ms. The small cap is deliberate: a restarted server is found again within about 240ms of
 * listening, at the cost of at most about five refused connects a second while it is down (a refused connect
 * costs the server nothing; a handshake only happens once it listens). Raise {@code maxBackoff} for endpoints
 * that are expensive to probe.
 */
public final class ReconnectSettings {
    private static final ReconnectSettings DEFAULTS = builder().build();

    private final Duration initialBackoff;
    private final double multiplier;
    private final double jitter;
    private final Duration maxBackoff;

    private ReconnectSettings(Builder b) {
        initialBackoff = b.initialBackoff;
        multiplier = b.multiplier;
        jitter = b.jitter;
        maxBackoff = b.maxBackoff;
    }

    /** The documented defaults. */
    public static ReconnectSettings defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder().initialBackoff(initialBackoff).multiplier(multiplier).jitter(jitter).maxBackoff(maxBackoff);
    }

    /** The delay after the first failed attempt. */
    public Duration initialBackoff() { return initialBackoff; }

    /** How much each further failed attempt multiplies the delay. */
    public double multiplier() { return multiplier; }

    /** The share by which each delay is randomly lengthened or shortened (0.2 = ±20%). */
    public double jitter() { return jitter; }

    /** The longest delay before jitter. */
    public Duration maxBackoff() { return maxBackoff; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconnectSettings r && r.initialBackoff.equals(initialBackoff) && r.multiplier == multiplier
                && r.jitter == jitter && r.maxBackoff.equals(maxBackoff);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(initialBackoff, multiplier, jitter, maxBackoff);
    }

    @Override
    public String toString() {
        return "ReconnectSettings[initialBackoff=" + initialBackoff + ", multiplier=" + multiplier + ", jitter="
                + jitter + ", maxBackoff=" + maxBackoff + "]";
    }

    /** Builds {@link ReconnectSettings}; each setter rejects a bad value with a message naming it. */
    public static final class Builder {
        private Duration initialBackoff = Duration.ofMillis(20);
        private double multiplier = 1.6;
        private double jitter = 0.2;
        private Duration maxBackoff = Duration.ofMillis(200);

        private Builder() {
        }

        /** Positive, at most one minute. */
        public Builder initialBackoff(Duration backoff) {
            initialBackoff = Checks.atMost("initialBackoff", Checks.positive("initialBackoff", backoff),
                    Duration.ofMinutes(1));
            return this;
        }

        /** From 1 (a fixed delay) to 10. */
        public Builder multiplier(double multiplier) {
            this.multiplier = Checks.within("multiplier", multiplier, 1.0, 10.0);
            return this;
        }

        /** From 0 (none) to 1. */
        public Builder jitter(double jitter) {
            this.jitter = Checks.within("jitter", jitter, 0.0, 1.0);
            return this;
        }

        /** Positive, at most ten minutes. */
        public Builder maxBackoff(Duration backoff) {
            maxBackoff = Checks.atMost("maxBackoff", Checks.positive("maxBackoff", backoff), Duration.ofMinutes(10));
            return this;
        }

        /** @throws IllegalArgumentException when {@code initialBackoff} exceeds {@code maxBackoff} */
        public ReconnectSettings build() {
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("initialBackoff must not exceed maxBackoff: " + initialBackoff
                        + " > " + maxBackoff);
            }
            return new ReconnectSettings(this);
        }
    }
}
