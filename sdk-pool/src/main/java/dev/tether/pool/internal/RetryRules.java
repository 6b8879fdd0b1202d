package dev.tether.pool.internal;

import dev.tether.core.TetherException;
import dev.tether.pool.RetrySettings;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The retry rules: which failures may be retried (by request state and idempotency), how long to back off
 * (exponential with full jitter, never past the deadline) and whether the budget allows it. resilience4j's
 * {@link Retry} runs the loop and the sleeps; the decisions are made here and handed to it in an
 * {@link AttemptFailure}.
 */
final class RetryRules {
    private final int maxAttempts;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final RetryBudget budget;
    private final Retry retry;
    private final Listeners listeners;
    final LongAdder throttled = new LongAdder();

    RetryRules(String name, RetrySettings settings, Listeners listeners) {
        this.maxAttempts = settings.maxAttempts();
        this.initialBackoffMillis = Math.max(1, settings.initialBackoff().toMillis());
        this.maxBackoffMillis = Math.max(initialBackoffMillis, settings.maxBackoff().toMillis());
        this.budget = new RetryBudget(settings.budgetRatio(), settings.budgetMinRetriesPerSecond(),
                (int) settings.budgetWindow().getSeconds());
        this.listeners = listeners;
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(maxAttempts)
                .retryOnException(t -> t instanceof AttemptFailure af && af.retry)
                .intervalBiFunction((attempt, outcome) -> outcome.isLeft() && outcome.getLeft() instanceof AttemptFailure af
                        ? af.backoffMillis : 0L)
                .failAfterMaxAttempts(false)
                .writableStackTraceEnabled(false)
                .build();
        this.retry = Retry.of(name, config);
    }

    /** A fresh resilience4j context for one call; counts the call towards the retry budget. */
    Retry.Context<Object> begin() {
        budget.deposit();
        return retry.context();
    }

    /** Decides about the attempt that just failed (already recorded in {@code st}). */
    AttemptFailure decide(CallState st, EndpointPool endpoint, TetherException failure) {
        if (!mayRetry(st, failure) || st.attempts >= maxAttempts) {
            return AttemptFailure.STOP;
        }
        long backoff = backoffMillis(st.attempts);
        if (TimeUnit.MILLISECONDS.toNanos(backoff) >= st.deadline.remainingNanos()) {
            return AttemptFailure.STOP;
        }
        if (!budget.tryWithdraw()) {
            throttled.increment();
            if (endpoint != null) {
                listeners.retryThrottled(endpoint.endpoint, failure);
            }
            return AttemptFailure.STOP;
        }
        if (endpoint != null) {
            endpoint.retries.increment();
            listeners.retryScheduled(endpoint.endpoint, st.attempts, failure, Duration.ofMillis(backoff));
        }
        return new AttemptFailure(true, backoff);
    }

    /**
     * The safety rules, independent of any count or budget: {@link TetherException#isRetryable()} is the one
     * answer to "could another attempt help", and the request state and idempotency to "may it be sent again".
     */
    static boolean mayRetry(CallState st, TetherException failure) {
        return failure.isRetryable() && (failure.requestNotSent() || st.idempotent);
    }

    /** Full jitter: uniform in [0, min(max, initial * 2^(failedAttempts-1))]. */
    long backoffMillis(int failedAttempts) {
        int shift = Math.min(30, Math.max(0, failedAttempts - 1));
        long cap = Math.min(maxBackoffMillis, initialBackoffMillis << shift);
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    double budgetBalance() {
        return budget.balance();
    }
}
