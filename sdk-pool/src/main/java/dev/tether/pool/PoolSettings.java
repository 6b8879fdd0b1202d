package dev.tether.pool;

import static dev.tether.pool.Checks.atLeast;
import static dev.tether.pool.Checks.atMost;
import static dev.tether.pool.Checks.notNegative;
import static dev.tether.pool.Checks.positive;

import java.time.Duration;

/**
 * How a {@link TetherClient} keeps its connections: how many, for how long, and how it checks them. Immutable;
 * build one with {@link #builder()}, which rejects bad values when {@link Builder#build()} runs.
 *
 * <p>Defaults ({@link #defaults()}):
 * <ul>
 *   <li>{@code maxTotal} 64 connections, {@code maxPerEndpoint} 16, {@code minIdlePerEndpoint} 0; how the two
 *       size limits combine when only one is set is described below;</li>
 *   <li>{@code acquireTimeout} 5s: waiting for a free connection never takes longer (there is no unbounded wait);</li>
 *   <li>{@code lifo} true: the most recently returned connection is reused first, so spare ones age out;</li>
 *   <li>{@code maxIdleTime} 60s, below the idle limits of common load balancers and NAT gateways;</li>
 *   <li>{@code maxLifetime} 30min, each connection's shortened by a random amount up to
 *       {@code maxLifetimeJitter} (default a twentieth of {@code maxLifetime}) so they do not all expire together;</li>
 *   <li>{@code validateAfterInactivity} 500ms: a connection idle that long gets a non-blocking check for end of
 *       stream or TLS close_notify before reuse (no round trip); {@code 0} checks on every reuse;</li>
 *   <li>{@code keepAliveInterval} 30s and {@code keepAliveTimeout} 5s: idle connections get the codec's
 *       application ping that often, and are replaced when it fails; {@code 0} turns pings off;</li>
 *   <li>{@code leakDetectionThreshold} 0 (off): when positive, a lease held longer logs the stack that took it;</li>
 *   <li>{@code drainTimeout} 10s: how long {@link TetherClient#close()} waits for calls in flight;</li>
 *   <li>{@code maintenanceInterval} 1s: how often the background thread evicts, pings and tops up idle connections;</li>
 *   <li>{@code pipelineDepth} 1: one request per connection at a time (no pipelining); above 1, calls on a codec
 *       whose replies come in order share connections, up to that many requests in flight on each, with at most
 *       {@code pipelineMaxQueuedBytes} (default 1 MiB) waiting to be written (see sdk-pool/README.md, "Pipelining").</li>
 * </ul>
 *
 * <p>Sizes: {@code maxTotal} caps connections across all endpoints, {@code maxPerEndpoint} those to one endpoint.
 * Set just one and the other follows it, so one knob is enough:
 * <ul>
 *   <li>only {@code maxTotal(n)}: {@code maxPerEndpoint} is {@code n} too, so a one-endpoint client gets
 *       {@code n} connections (and with several endpoints, a healthy one may use all of them);</li>
 *   <li>only {@code maxPerEndpoint(n)}: {@code maxTotal} is the larger of 64 and {@code n};</li>
 *   <li>both: each is honoured, and {@code maxPerEndpoint} must not exceed {@code maxTotal};</li>
 *   <li>neither: 64 and 16.</li>
 * </ul>
 * Every size from 1 up works.
 */
public final class PoolSettings {
    private static final PoolSettings DEFAULTS = builder().build();

    private final int maxTotal;
    private final int maxPerEndpoint;
    private final int minIdlePerEndpoint;
    private final Duration acquireTimeout;
    private final boolean lifo;
    private final Duration maxIdleTime;
    private final Duration maxLifetime;
    private final Duration maxLifetimeJitter;
    private final Duration validateAfterInactivity;
    private final Duration keepAliveInterval;
    private final Duration keepAliveTimeout;
    private final Duration leakDetectionThreshold;
    private final Duration drainTimeout;
    private final Duration maintenanceInterval;
    private final int pipelineDepth;
    private final int pipelineMaxQueuedBytes;

    private PoolSettings(Builder b, int maxTotal, int maxPerEndpoint, Duration jitter) {
        this.maxTotal = maxTotal;
        this.maxPerEndpoint = maxPerEndpoint;
        minIdlePerEndpoint = b.minIdlePerEndpoint;
        acquireTimeout = b.acquireTimeout;
        lifo = b.lifo;
        maxIdleTime = b.maxIdleTime;
        maxLifetime = b.maxLifetime;
        maxLifetimeJitter = jitter;
        validateAfterInactivity = b.validateAfterInactivity;
        keepAliveInterval = b.keepAliveInterval;
        keepAliveTimeout = b.keepAliveTimeout;
        leakDetectionThreshold = b.leakDetectionThreshold;
        drainTimeout = b.drainTimeout;
        maintenanceInterval = b.maintenanceInterval;
        pipelineDepth = b.pipelineDepth;
        pipelineMaxQueuedBytes = b.pipelineMaxQueuedBytes;
    }

    public static PoolSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder().maxTotal(maxTotal).maxPerEndpoint(maxPerEndpoint).minIdlePerEndpoint(minIdlePerEndpoint)
                .acquireTimeout(acquireTimeout).lifo(lifo).maxIdleTime(maxIdleTime).maxLifetime(maxLifetime)
                .maxLifetimeJitter(maxLifetimeJitter).validateAfterInactivity(validateAfterInactivity)
                .keepAliveInterval(keepAliveInterval).keepAliveTimeout(keepAliveTimeout)
                .leakDetectionThreshold(leakDetectionThreshold).drainTimeout(drainTimeout)
                .maintenanceInterval(maintenanceInterval).pipelineDepth(pipelineDepth)
                .pipelineMaxQueuedBytes(pipelineMaxQueuedBytes);
    }

    /** Connections open at once across all endpoints, in use or idle. */
    public int maxTotal() { return maxTotal; }

    /** Connections open at once to one endpoint. */
    public int maxPerEndpoint() { return maxPerEndpoint; }

    /** Idle connections kept ready per endpoint (opened at start and replaced in the background). */
    public int minIdlePerEndpoint() { return minIdlePerEndpoint; }

    /** The longest a call waits for a free connection before failing with {@link PoolExhaustedException}. */
    public Duration acquireTimeout() { return acquireTimeout; }

    /** True to reuse the most recently returned connection first, false for the least recently returned. */
    public boolean lifo() { return lifo; }

    /** An idle connection unused this long is closed (down to {@link #minIdlePerEndpoint()}). */
    public Duration maxIdleTime() { return maxIdleTime; }

    /** A connection is retired once this old, less its jitter, when next idle. */
    public Duration maxLifetime() { return maxLifetime; }

    /** The most a connection's lifetime is shortened by at random. */
    public Duration maxLifetimeJitter() { return maxLifetimeJitter; }

    /** A connection idle at least this long is checked (non-blocking) before reuse; zero checks every reuse. */
    public Duration validateAfterInactivity() { return validateAfterInactivity; }

    /** Idle connections are pinged this often (when the codec has a ping); zero turns pings off. */
    public Duration keepAliveInterval() { return keepAliveInterval; }

    /** How long a ping may take before its connection is destroyed. */
    public Duration keepAliveTimeout() { return keepAliveTimeout; }

    /** A lease held longer than this logs a warning with the stack that took it; zero turns detection off. */
    public Duration leakDetectionThreshold() { return leakDetectionThreshold; }

    /** How long closing waits for calls in flight before it closes their connections. */
    public Duration drainTimeout() { return drainTimeout; }

    /** How often the maintenance thread runs eviction, pings and min-idle top-up. */
    public Duration maintenanceInterval() { return maintenanceInterval; }

    /**
     * Requests in flight at once on one connection: 1 (the default) lends each connection to one call at a time;
     * above 1, calls on a codec whose {@linkplain dev.tether.core.codec.Codec#repliesInOrder() replies come in
     * order} share connections (leases and {@linkplain CallOptions#exclusive() exclusive} calls never do).
     */
    public int pipelineDepth() { return pipelineDepth; }

    /** Bytes of requests waiting to be written on one shared connection before it takes no more callers. */
    public int pipelineMaxQueuedBytes() { return pipelineMaxQueuedBytes; }

    @Override
    public String toString() {
        return "PoolSettings[maxTotal=" + maxTotal + ", maxPerEndpoint=" + maxPerEndpoint + ", minIdlePerEndpoint="
                + minIdlePerEndpoint + ", acquireTimeout=" + acquireTimeout + ", lifo=" + lifo + ", maxIdleTime="
                + maxIdleTime + ", maxLifetime=" + maxLifetime + " (jitter " + maxLifetimeJitter
                + "), validateAfterInactivity=" + validateAfterInactivity + ", keepAliveInterval=" + keepAliveInterval
                + ", keepAliveTimeout=" + keepAliveTimeout + ", leakDetectionThreshold=" + leakDetectionThreshold
                + ", drainTimeout=" + drainTimeout + ", maintenanceInterval=" + maintenanceInterval
                + (pipelineDepth > 1 ? ", pipelineDepth=" + pipelineDepth + ", pipelineMaxQueuedBytes="
                + pipelineMaxQueuedBytes : "") + "]";
    }

    /** Builds {@link PoolSettings}; setters check single values, {@link #build()} checks how they fit together. */
    public static final class Builder {
        private static final Duration MAX_ACQUIRE_TIMEOUT = Duration.ofHours(1);

        private static final int DEFAULT_MAX_TOTAL = 64;
        private static final int DEFAULT_MAX_PER_ENDPOINT = 16;

        // 0 = not set: the other limit decides (see the class comment).
        private int maxTotal;
        private int maxPerEndpoint;
        private int minIdlePerEndpoint;
        private Duration acquireTimeout = Duration.ofSeconds(5);
        private boolean lifo = true;
        private Duration maxIdleTime = Duration.ofSeconds(60);
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration maxLifetimeJitter;
        private Duration validateAfterInactivity = Duration.ofMillis(500);
        private Duration keepAliveInterval = Duration.ofSeconds(30);
        private Duration keepAliveTimeout = Duration.ofSeconds(5);
        private Duration leakDetectionThreshold = Duration.ZERO;
        private Duration drainTimeout = Duration.ofSeconds(10);
        private Duration maintenanceInterval = Duration.ofSeconds(1);
        private int pipelineDepth = 1;
        private int pipelineMaxQueuedBytes = 1 << 20;

        private Builder() {
        }

        /** Connections across all endpoints, at least 1; alone, it is also the per-endpoint limit. */
        public Builder maxTotal(int connections) {
            maxTotal = atLeast("maxTotal", connections, 1);
            return this;
        }

        /** Connections to one endpoint, at least 1; alone, {@code maxTotal} grows to it when below. */
        public Builder maxPerEndpoint(int connections) {
            maxPerEndpoint = atLeast("maxPerEndpoint", connections, 1);
            return this;
        }

        public Builder minIdlePerEndpoint(int connections) {
            minIdlePerEndpoint = atLeast("minIdlePerEndpoint", connections, 0);
            return this;
        }

        /** Positive and at most one hour: an acquire never waits without a bound. */
        public Builder acquireTimeout(Duration timeout) {
            acquireTimeout = atMost("acquireTimeout", positive("acquireTimeout", timeout), MAX_ACQUIRE_TIMEOUT);
            return this;
        }

        public Builder lifo(boolean lifo) {
            this.lifo = lifo;
            return this;
        }

        public Builder maxIdleTime(Duration time) {
            maxIdleTime = positive("maxIdleTime", time);
            return this;
        }

        public Builder maxLifetime(Duration time) {
            maxLifetime = positive("maxLifetime", time);
            return this;
        }

        /** Zero or more, and less than {@code maxLifetime}. */
        public Builder maxLifetimeJitter(Duration jitter) {
            maxLifetimeJitter = notNegative("maxLifetimeJitter", jitter);
            return this;
        }

        public Builder validateAfterInactivity(Duration time) {
            validateAfterInactivity = notNegative("validateAfterInactivity", time);
            return this;
        }

        /** Zero turns application pings off. */
        public Builder keepAliveInterval(Duration interval) {
            keepAliveInterval = notNegative("keepAliveInterval", interval);
            return this;
        }

        public Builder keepAliveTimeout(Duration timeout) {
            keepAliveTimeout = positive("keepAliveTimeout", timeout);
            return this;
        }

        /** Zero turns leak detection off (and then it costs nothing). */
        public Builder leakDetectionThreshold(Duration threshold) {
            leakDetectionThreshold = notNegative("leakDetectionThreshold", threshold);
            return this;
        }

        public Builder drainTimeout(Duration timeout) {
            drainTimeout = notNegative("drainTimeout", timeout);
            return this;
        }

        public Builder maintenanceInterval(Duration interval) {
            maintenanceInterval = positive("maintenanceInterval", interval);
            return this;
        }

        /**
         * Requests in flight at once on one connection, 1 to 1024; 1 (the default) turns pipelining off. Only
         * calls on a codec whose replies come in order are pipelined.
         */
        public Builder pipelineDepth(int requests) {
            pipelineDepth = Checks.within("pipelineDepth", requests, 1, 1024);
            return this;
        }

        /** Bytes of requests queued for writing on one shared connection, at least 1; one request may exceed it. */
        public Builder pipelineMaxQueuedBytes(int bytes) {
            pipelineMaxQueuedBytes = atLeast("pipelineMaxQueuedBytes", bytes, 1);
            return this;
        }

        /**
         * @throws IllegalArgumentException when values contradict each other, naming both
         */
        public PoolSettings build() {
            int total = maxTotal > 0 ? maxTotal : Math.max(DEFAULT_MAX_TOTAL, maxPerEndpoint);
            int perEndpoint = maxPerEndpoint > 0 ? maxPerEndpoint : maxTotal > 0 ? maxTotal : DEFAULT_MAX_PER_ENDPOINT;
            if (perEndpoint > total) {
                throw new IllegalArgumentException("maxPerEndpoint must not exceed maxTotal: " + perEndpoint
                        + " > " + total);
            }
            if (minIdlePerEndpoint > perEndpoint) {
                throw new IllegalArgumentException("minIdlePerEndpoint must not exceed maxPerEndpoint: "
                        + minIdlePerEndpoint + " > " + perEndpoint);
            }
            Duration jitter = maxLifetimeJitter != null ? maxLifetimeJitter : maxLifetime.dividedBy(20);
            if (jitter.compareTo(maxLifetime) >= 0) {
                throw new IllegalArgumentException("maxLifetimeJitter must be less than maxLifetime: " + jitter
                        + " >= " + maxLifetime);
            }
            if (!keepAliveInterval.isZero() && keepAliveTimeout.compareTo(keepAliveInterval) > 0) {
                throw new IllegalArgumentException("keepAliveTimeout must not exceed keepAliveInterval: "
                        + keepAliveTimeout + " > " + keepAliveInterval);
            }
            return new PoolSettings(this, total, perEndpoint, jitter);
        }
    }
}
