package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.pool.BreakerState;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.internal.jfr.TetherEvents;
import dev.tether.tls.TlsSessionInfo;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;

/**
 * Everything the client keeps per endpoint: its live connections and the idle ones among them, the callers
 * waiting for one, counters, the acquire-time histogram, whether it can be connected to ({@link EndpointHealth})
 * and the breaker, whose open periods grow with consecutive trips.
 */
final class EndpointPool {
    private static final long MAX_TRACKED_MICROS = TimeUnit.HOURS.toMicros(1);

    final Endpoint endpoint;
    final String clientName;
    final int index;
    /** Every connection made and not yet destroyed, whoever owns it now. */
    final Set<PooledConnection<?, ?>> live = ConcurrentHashMap.newKeySet();
    /**
     * Connections given back, most recently returned first with lifo reuse (last otherwise). An entry found here
     * is only a candidate: whoever claims it by compare-and-set owns it ({@link PooledConnection#claim}).
     */
    final ConcurrentLinkedDeque<PooledConnection<?, ?>> idle = new ConcurrentLinkedDeque<>();
    /** Callers waiting for a connection to this endpoint. */
    final Waiters waiters = new Waiters();
    final AtomicInteger inFlight = new AtomicInteger();
    final LongAdder created = new LongAdder();
    final LongAdder acquires = new LongAdder();
    final LongAdder reuses = new LongAdder();
    final LongAdder retries = new LongAdder();
    final AtomicBoolean warming = new AtomicBoolean();
    /** Whether a reconnect attempt is scheduled (at most one at a time per endpoint). */
    final AtomicBoolean probeScheduled = new AtomicBoolean();
    /** Acquires that took an idle connection at once (under a microsecond): the histogram's zero bucket. */
    private final LongAdder quickAcquires = new LongAdder();
    /** What the newest TLS connection negotiated, for {@code stats()}; null for plain TCP or before one. */
    volatile TlsSessionInfo lastTlsSession;
    private final LongAdder[] destroyed = new LongAdder[DestroyReason.values().length];
    private final AtomicHistogram acquireMicros = new AtomicHistogram(MAX_TRACKED_MICROS, 2);
    final EndpointHealth health;
    private final CircuitBreaker breaker;
    private final TimeSource time;
    private final Backoff openPeriods;
    /** Trips since the breaker last closed; the next open period grows with it. */
    private final AtomicInteger consecutiveTrips = new AtomicInteger();
    /** The current open period and when it began (monotonic); read to tell callers how long it stays open. */
    private volatile long openNanos;
    private volatile long openedAtNanos;

    EndpointPool(Endpoint endpoint, int index, CircuitBreakerSettings settings, String clientName,
                 Listeners listeners, TimeSource time, Backoff reconnectBackoff) {
        this.endpoint = endpoint;
        this.clientName = clientName;
        this.index = index;
        for (int i = 0; i < destroyed.length; i++) {
            destroyed[i] = new LongAdder();
        }
        this.time = time;
        this.health = new EndpointHealth(time, reconnectBackoff);
        this.openPeriods = new Backoff(settings.openDuration(), 2.0, 0.2, settings.maxOpenDuration(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.openNanos = settings.openDuration().toNanos();
        this.breaker = settings.enabled() ? newBreaker(settings, clientName, listeners) : null;
    }

    /** The next open period: called by the breaker each time it opens, so consecutive trips wait longer. */
    private long nextOpenMillis() {
        long nanos = openPeriods.delayNanos(consecutiveTrips.incrementAndGet());
        openNanos = nanos;
        openedAtNanos = time.nanoTime();
        return Math.max(1, Duration.ofNanos(nanos).toMillis());
    }

    private CircuitBreaker newBreaker(CircuitBreakerSettings s, String clientName, Listeners listeners) {
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
        CircuitBreaker cb = CircuitBreaker.of(clientName + "/" + endpoint, config);
        cb.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.CLOSED) {
                consecutiveTrips.set(0);
            }
            listeners.breakerStateChanged(endpoint,
                    map(event.getStateTransition().getFromState()), map(event.getStateTransition().getToState()));
        });
        return cb;
    }

    private static BreakerState map(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED, METRICS_ONLY -> BreakerState.CLOSED;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case DISABLED -> BreakerState.DISABLED;
        };
    }

    /** Asks the breaker to let one attempt through; it must then be settled with exactly one of the next three. */
    boolean tryPermission() {
        return breaker == null || breaker.tryAcquirePermission();
    }

    void recordSuccess(long nanos) {
        if (breaker != null) {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void recordFailure(long nanos, Throwable failure) {
        if (breaker != null) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
        }
    }

    /** Settles a permission for an attempt that says nothing about the endpoint's health. */
    void releasePermission() {
        if (breaker != null) {
            breaker.releasePermission();
        }
    }

    /**
     * Closes the breaker after a new connection succeeded on an endpoint that had been unreachable: whatever
     * opened it (the calls that failed while it went away) no longer says anything about it.
     */
    void closeBreaker() {
        if (breaker != null && breaker.getState() != CircuitBreaker.State.CLOSED) {
            breaker.transitionToClosedState();
        }
    }

    /** Reachable and its breaker closed: what the panic threshold counts. */
    boolean healthy() {
        return health.isUp() && !breakerOpen();
    }

    boolean breakerOpen() {
        return breaker != null && breaker.getState() == CircuitBreaker.State.OPEN;
    }

    /** How long until an open breaker lets a probe through; zero unless it is open. */
    long nanosUntilProbe() {
        if (!breakerOpen()) {
            return 0;
        }
        long period = openNanos;
        return Math.min(period, Math.max(0, openedAtNanos + period - time.nanoTime()));
    }

    BreakerState breakerState() {
        return breaker == null ? BreakerState.DISABLED : map(breaker.getState());
    }

    /**
     * Counts an acquire. The common one (an idle connection taken within a microsecond) only bumps striped
     * counters; the shared histogram is written for the others and gets the quick ones as its zero bucket when
     * read.
     */
    void recordAcquire(long nanos, boolean reused) {
        acquires.increment();
        if (reused) {
            reuses.increment();
        }
        if (nanos < 1000) {
            quickAcquires.increment();
        } else {
            acquireMicros.recordValue(Math.min(MAX_TRACKED_MICROS, nanos / 1000));
        }
        TetherEvents.acquired(clientName, endpoint, nanos, reused);
    }

    /** The acquire-time histogram in microseconds, quick acquires included as zeros. */
    private org.HdrHistogram.Histogram acquireHistogram() {
        org.HdrHistogram.Histogram h = acquireMicros.copy();
        long quick = quickAcquires.sum();
        if (quick > 0) {
            h.recordValueWithCount(0, quick);
        }
        return h;
    }

    /** Idle connections right now (entries being claimed may still be counted). */
    int idleCount() {
        return idle.size();
    }

    void recordDestroyed(DestroyReason reason) {
        destroyed[reason.ordinal()].increment();
    }

    long destroyedTotal() {
        long sum = 0;
        for (LongAdder a : destroyed) {
            sum += a.sum();
        }
        return sum;
    }

    Map<DestroyReason, Long> destroyedByReason() {
        Map<DestroyReason, Long> map = new EnumMap<>(DestroyReason.class);
        for (DestroyReason r : DestroyReason.values()) {
            map.put(r, destroyed[r.ordinal()].sum());
        }
        return map;
    }

    /** Acquire-wait percentile in microseconds. */
    long acquireMicrosAt(double percentile) {
        org.HdrHistogram.Histogram h = acquireHistogram();
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
    }

    long acquireMicrosMax() {
        return acquireMicros.getTotalCount() == 0 ? 0 : acquireMicros.getMaxValue();
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
