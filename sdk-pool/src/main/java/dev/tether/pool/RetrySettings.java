package dev.tether.pool;

import static dev.tether.pool.Checks.atLeast;
import static dev.tether.pool.Checks.atMost;
import static dev.tether.pool.Checks.positive;
import static dev.tether.pool.Checks.within;

import java.time.Duration;

/**
 * When and how a {@link TetherClient} tries a failed call again. Immutable; build one with {@link #builder()}.
 *
 * <p>What is retried never depends on these numbers: a failure where the request was known not to be sent
 * (connect refused, stale connection found before writing) is retried for any call; a failure after the
 * request may have reached the server only for calls marked {@linkplain CallOptions#isIdempotent() idempotent};
 * TLS trust, hostname and pin failures and protocol violations never. These settings bound how often.
 *
 * <p>Defaults ({@link #defaults()}): {@code maxAttempts} 3 (the first try included); backoff before attempt
 * <i>n</i> drawn uniformly from {@code [0, min(maxBackoff, initialBackoff * 2^(n-2))]} ("full jitter") with
 * {@code initialBackoff} 50ms and {@code maxBackoff} 2s; never a backoff that would end after the call's deadline.
 * A retry budget in the manner of Finagle's lets retries add at most {@code budgetRatio} 0.2 (20%) to the calls
 * made in the last {@code budgetWindow} 10s, plus a reserve of {@code budgetMinRetriesPerSecond} 10 per second
 * for quiet clients, so a sick server never sees a retry storm.
 */
public final class RetrySettings {
    private static final RetrySettings DEFAULTS = builder().build();
    private static final RetrySettings NONE = builder().maxAttempts(1).build();

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double budgetRatio;
    private final int budgetMinRetriesPerSecond;
    private final Duration budgetWindow;

    private RetrySettings(Builder b) {
        maxAttempts = b.maxAttempts;
        initialBackoff = b.initialBackoff;
        maxBackoff = b.maxBackoff;
        budgetRatio = b.budgetRatio;
        budgetMinRetriesPerSecond = b.budgetMinRetriesPerSecond;
        budgetWindow = b.budgetWindow;
    }

    public static RetrySettings defaults() {
        return DEFAULTS;
    }

    /** One attempt per call, never a retry. */
    public static RetrySettings none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
                .budgetRatio(budgetRatio).budgetMinRetriesPerSecond(budgetMinRetriesPerSecond)
                .budgetWindow(budgetWindow);
    }

    /** Attempts per call, the first included; 1 means no retries. */
    public int maxAttempts() { return maxAttempts; }

    /** The cap on the backoff before the first retry. */
    public Duration initialBackoff() { return initialBackoff; }

    /** The cap on any backoff, however many attempts came before. */
    public Duration maxBackoff() { return maxBackoff; }

    /** Retries allowed per call made within the budget window (0.2 = 20%). */
    public double budgetRatio() { return budgetRatio; }

    /** Retries per second always allowed, whatever the traffic. */
    public int budgetMinRetriesPerSecond() { return budgetMinRetriesPerSecond; }

    /** How long a call counts towards the retry budget. */
    public Duration budgetWindow() { return budgetWindow; }

    @Override
    public String toString() {
        return "RetrySettings[maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff="
                + maxBackoff + ", budgetRatio=" + budgetRatio + ", budgetMinRetriesPerSecond="
                + budgetMinRetriesPerSecond + ", budgetWindow=" + budgetWindow + "]";
    }

    /** Builds {@link RetrySettings}; each setter rejects a bad value with a message naming it. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(50);
        private Duration maxBackoff = Duration.ofSeconds(2);
        private double budgetRatio = 0.2;
        private int budgetMinRetriesPerSecond = 10;
        private Duration budgetWindow = Duration.ofSeconds(10);

        private Builder() {
        }

        /** 1 to 10. */
        public Builder maxAttempts(int attempts) {
            maxAttempts = within("maxAttempts", attempts, 1, 10);
            return this;
        }

        public Builder initialBackoff(Duration backoff) {
            initialBackoff = positive("initialBackoff", backoff);
            return this;
        }

        /** At most one minute. */
        public Builder maxBackoff(Duration backoff) {
            maxBackoff = atMost("maxBackoff", positive("maxBackoff", backoff), Duration.ofMinutes(1));
            return this;
        }

        /** 0 to 10 retries per call; 0 leaves only the per-second reserve. */
        public Builder budgetRatio(double ratio) {
            budgetRatio = within("budgetRatio", ratio, 0.0, 10.0);
            return this;
        }

        public Builder budgetMinRetriesPerSecond(int retries) {
            budgetMinRetriesPerSecond = atLeast("budgetMinRetriesPerSecond", retries, 0);
            return this;
        }

        /** Whole seconds from 1s to 60s. */
        public Builder budgetWindow(Duration window) {
            positive("budgetWindow", window);
            if (window.getNano() != 0 || window.getSeconds() < 1 || window.getSeconds() > 60) {
                throw new IllegalArgumentException("budgetWindow must be whole seconds within 1s..60s: " + window);
            }
            budgetWindow = window;
            return this;
        }

        /**
         * @throws IllegalArgumentException when {@code initialBackoff} exceeds {@code maxBackoff}
         */
        public RetrySettings build() {
            if (initialBackoff.compareTo(maxBackoff) > 0) {
                throw new IllegalArgumentException("initialBackoff must not exceed maxBackoff: " + initialBackoff
                        + " > " + maxBackoff);
            }
            return new RetrySettings(this);
        }
    }
}
