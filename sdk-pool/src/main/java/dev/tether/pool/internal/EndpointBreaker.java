package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.pool.BreakerState;
import dev.tether.pool.CircuitBreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One endpoint's circuit breaker (resilience4j, on the client's clock), whose open periods grow with consecutive
 * trips, and which reports its state changes to the listeners.
 *
 * <p>Kept off the hot path where it cannot matter: once the count-based window holds only fast successes, one
 * more fast success changes nothing in it, so it is not recorded (a shared write, and a snapshot, saved per
 * call); any failure or slow call, and every outcome while not closed, is recorded. State changes are noticed by
 * comparing the state after each outcome instead of subscribing to resilience4j's events, which would create an
 * event (with a wall-clock timestamp) for every success.
 */
final class EndpointBreaker {
    private final Endpoint endpoint;
    private final Listeners listeners;
    private final TimeSource time;
    private final Backoff openPeriods;
    private final CircuitBreaker breaker;
    private final int windowSize;
    private final long slowCallNanos;
    /** Fast successes recorded since the last failure or slow call, counted up to the window size. */
    private final AtomicInteger fastSuccessStreak = new AtomicInteger();
    /** Trips since the breaker last closed; the next open period grows with it. */
    private final AtomicInteger consecutiveTrips = new AtomicInteger();
    /** Attempts failed in a row; {@link #consecutiveLimit} of them open the breaker at once (0: rule off). */
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final int consecutiveLimit;
    private final AtomicReference<CircuitBreaker.State> reported = new AtomicReference<>(CircuitBreaker.State.CLOSED);
    /** The current open period and when it began (monotonic); read to tell callers how long it stays open. */
    private volatile long openNanos;
    private volatile long openedAtNanos;

    EndpointBreaker(Endpoint endpoint, CircuitBreakerSettings s, String clientName, Listeners listeners,
                    TimeSource time) {
        this.endpoint = endpoint;
        this.listeners = listeners;
        this.time = time;
        this.openPeriods = new Backoff(s.openDuration(), 2.0, 0.2, s.maxOpenDuration(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.openNanos = s.openDuration().toNanos();
        this.windowSize = s.slidingWindowSize();
        this.consecutiveLimit = s.consecutiveFailures();
        this.slowCallNanos = s.slowCallDuration().toNanos();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindow(s.slidingWindowSize(), s.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED,
                        CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
                .failureRateThreshold(s.failureRateThreshold())
                .slowCallRateThreshold(s.slowCallRateThreshold())
                .slowCallDurationThreshold(s.slowCallDuration())
                .waitIntervalFunctionInOpenState((IntervalFunction) attempt -> nextOpenMillis())
                .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
                // An automatic transition would start a scheduler thread per breaker; the next call does it instead.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(MonotonicClock.of(time))
                .writableStackTraceEnabled(false)
                .build();
        this.breaker = CircuitBreaker.of(clientName + "/" + endpoint, config);
    }

    /** The next open period: called by the breaker each time it opens, so consecutive trips wait longer. */
    private long nextOpenMillis() {
        long nanos = openPeriods.delayNanos(consecutiveTrips.incrementAndGet());
        openNanos = nanos;
        openedAtNanos = time.nanoTime();
        return Math.max(1, Duration.ofNanos(nanos).toMillis());
    }

    boolean tryPermission() {
        boolean permitted = acquire();
        if (!permitted || reported.get() != CircuitBreaker.State.CLOSED) {
            noticeState();
        }
        return permitted;
    }

    private boolean acquire() {
        for (int attempt = 1; ; attempt++) {
            try {
                return breaker.tryAcquirePermission();
            } catch (IllegalStateTransitionException raced) {
                // This caller read the open state, its period ran out, and before it moved the breaker to
                // half-open another thread closed it (a reconnect succeeded): resilience4j refuses CLOSED ->
                // HALF_OPEN. The breaker is in a newer state now; ask that one.
                if (attempt == 3) {
                    throw raced;
                }
            }
        }
    }

    void recordSuccess(long nanos) {
        if (failuresInARow.get() != 0) {
            failuresInARow.set(0);
        }
        boolean fast = nanos < slowCallNanos;
        if (fast && fastSuccessStreak.get() >= windowSize && reported.get() == CircuitBreaker.State.CLOSED
                && breaker.getState() == CircuitBreaker.State.CLOSED) {
            return; // the window holds only fast successes: one more changes nothing
        }
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        if (!fast) {
            fastSuccessStreak.set(0);
        } else if (fastSuccessStreak.get() < windowSize) {
            fastSuccessStreak.incrementAndGet();
        }
        noticeState();
    }

    void recordFailure(long nanos, Throwable failure) {
        fastSuccessStreak.set(0);
        breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
        if (consecutiveLimit > 0 && failuresInARow.incrementAndGet() >= consecutiveLimit) {
            failuresInARow.set(0);
            open();
        }
        noticeState();
    }

    /**
     * Opens a closed breaker now (an outlier rule decided), with the same growing, jittered open period as a trip
     * by failure rate. False when it was not closed.
     */
    boolean open() {
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
            return false;
        }
        try {
            breaker.transitionToOpenState();
        } catch (IllegalStateTransitionException raced) {
            return false; // another thread moved it first
        }
        noticeState();
        return true;
    }

    void releasePermission() {
        breaker.releasePermission();
        noticeState();
    }

    void close() {
        if (breaker.getState() != CircuitBreaker.State.CLOSED) {
            breaker.transitionToClosedState();
        }
        noticeState();
    }

    /** Reports a state change since the last look, once (whichever thread sees it first). */
    private void noticeState() {
        CircuitBreaker.State now = breaker.getState();
        CircuitBreaker.State before = reported.get();
        if (now == before || !reported.compareAndSet(before, now)) {
            return;
        }
        if (now == CircuitBreaker.State.CLOSED) {
            consecutiveTrips.set(0);
        }
        if (now != CircuitBreaker.State.CLOSED) {
            fastSuccessStreak.set(0);
        }
        listeners.breakerStateChanged(endpoint, map(before), map(now));
    }

    boolean isOpen() {
        return breaker.getState() == CircuitBreaker.State.OPEN;
    }

    /** How long until an open breaker lets a probe through; zero unless it is open. */
    long nanosUntilProbe() {
        if (!isOpen()) {
            return 0;
        }
        long period = openNanos;
        return Math.min(period, Math.max(0, openedAtNanos + period - time.nanoTime()));
    }

    BreakerState state() {
        return map(breaker.getState());
    }

    private static BreakerState map(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED, METRICS_ONLY -> BreakerState.CLOSED;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case DISABLED -> BreakerState.DISABLED;
        };
    }
}
