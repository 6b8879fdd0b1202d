package dev.tether.pool.internal;

import dev.tether.core.TetherException;
import dev.tether.pool.RetrySettings;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The retry rules: which failures may be retried (by request state and idempotency), how long to back off
 * (exponential with full jitter, never past the deadline) and whether the budget allows it. The loop that applies
 * them is {@link CallLoop}.
 */
final class RetryRules {
    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final RetryBudget budget;
    private final Listeners listeners;
    final LongAdder throttled = new LongAdder();

    RetryRules(RetrySettings settings, Listeners listeners, TimeSource time) {
        this.maxAttempts = settings.maxAttempts();
        this.initialBackoffNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), settings.initialBackoff().toNanos());
        this.maxBackoffNanos = Math.max(initialBackoffNanos, settings.maxBackoff().toNanos());
        this.budget = new RetryBudget(settings.budgetRatio(), settings.budgetMinRetriesPerSecond(),
                (int) settings.budgetWindow().getSeconds(), time);
        this.listeners = listeners;
    }

    /** Counts a call (begun at {@code nowNanos}) towards the retry budget. */
    void callStarted(long nowNanos) {
        budget.deposit(nowNanos);
    }

    /**
     * How long to wait before retrying the attempt that just failed (already recorded in {@code st}), or -1
     * when the call must stop with {@code failure}: not safe to send again, out of attempts, no time left for
     * the backoff, or no retry budget.
     */
    long backoffBeforeRetry(CallState st, EndpointPool endpoint, TetherException failure) {
        if (!mayRetry(st, failure) || st.attempts >= maxAttempts) {
            return -1;
        }
        long backoff = backoffNanos(st.attempts);
        if (backoff >= st.deadline.remainingNanos()) {
            return -1;
        }
        if (!budget.tryWithdraw()) {
            throttled.increment();
            if (endpoint != null) {
                listeners.retryThrottled(endpoint.endpoint, failure);
            }
            return -1;
        }
        if (endpoint != null) {
            endpoint.retries.increment();
            listeners.retryScheduled(endpoint.endpoint, st.attempts, failure, Duration.ofNanos(backoff));
        }
        return backoff;
    }

    /**
     * The safety rules, independent of any count or budget: {@link TetherException#isRetryable()} is the one
     * answer to "could another attempt help", and the request state and idempotency to "may it be sent again".
     */
    static boolean mayRetry(CallState st, TetherException failure) {
        return failure.isRetryable() && (failure.requestNotSent() || st.idempotent);
    }

    /** Full jitter: uniform in [0, min(max, initial * 2^(failedAttempts-1))]. */
    long backoffNanos(int failedAttempts) {
        int shift = Math.min(30, Math.max(0, failedAttempts - 1));
        long cap = initialBackoffNanos << shift;
        cap = cap <= 0 || cap > maxBackoffNanos ? maxBackoffNanos : cap;
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

}
