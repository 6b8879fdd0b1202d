package dev.tether.pool.internal;

/**
 * Carries the client's retry decision for one failed attempt through resilience4j's {@code Retry}: whether to
 * retry, and after how long. Never escapes the client; it has no stack trace.
 */
final class AttemptFailure extends Exception {
    private static final long serialVersionUID = 1L;

    static final AttemptFailure STOP = new AttemptFailure(false, 0);

    final boolean retry;
    final long backoffMillis;

    AttemptFailure(boolean retry, long backoffMillis) {
        super(retry ? "retry after " + backoffMillis + "ms" : "no retry", null, false, false);
        this.retry = retry;
        this.backoffMillis = backoffMillis;
    }
}
