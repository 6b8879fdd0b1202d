package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.pool.BreakerState;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.internal.jfr.TetherEvents;
import dev.tether.tls.TlsSessionInfo;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** Every connection made and not yet destroyed, whoever owns it now. */
    final Set<PooledConnection<?, ?>> live = ConcurrentHashMap.newKeySet();
    /**
     * Connections given back, most recently returned first with lifo reuse (last otherwise). An entry found here
     * is only a candidate: whoever claims it by compare-and-set owns it ({@link PooledConnection#claim}).
     */
    final ConcurrentLinkedDeque<PooledConnection<?, ?>> idle = new ConcurrentLinkedDeque<>();
    /** Callers waiting for a connection to this endpoint. */
    final Waiters waiters = new Waiters();
    final InFlight inFlight = new InFlight();
    final LongAdder created = new LongAdder();
    final LongAdder acquires = new LongAdder();
    /** Acquires that got a new connection (made for the caller): every other acquire reused one. */
    final LongAdder fresh = new LongAdder();
    final LongAdder retries = new LongAdder();
    /**
     * Attempts that succeeded or failed in a way that counts against the endpoint, for {@link OutlierDetector}.
     * Successes are counted only while the client has several endpoints (nothing compares them otherwise).
     */
    final LongAdder outcomesOk = new LongAdder();
    final LongAdder outcomesFailed = new LongAdder();
    /** The outcome counts at the outlier detector's last look; written by the maintenance thread only. */
    long seenOk;
    long seenFailed;
    final AtomicBoolean warming = new AtomicBoolean();
    /**
     * This endpoint's shared connections when calls pipeline ({@link Pipelines.Shared}), made on first use; kept
     * here so they go when the endpoint does.
     */
    final java.util.concurrent.atomic.AtomicReference<Object> shared = new java.util.concurrent.atomic.AtomicReference<>();
    /** Whether a reconnect attempt is scheduled (at most one at a time per endpoint). */
    final AtomicBoolean probeScheduled = new AtomicBoolean();
    /**
     * The most recently given-back connection (lifo reuse only), in front of {@link #idle}: taking it is one
     * atomic swap, giving it back another, with no allocation. Like {@link #idle}, it holds candidates only.
     */
    final java.util.concurrent.atomic.AtomicReference<PooledConnection<?, ?>> recent =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** What the newest TLS connection negotiated, for {@code stats()}; null for plain TCP or before one. */
    volatile TlsSessionInfo lastTlsSession;
    private final LongAdder[] destroyed = new LongAdder[DestroyReason.values().length];
    private final AtomicHistogram acquireMicros = new AtomicHistogram(MAX_TRACKED_MICROS, 2);
    final EndpointHealth health;
    /** Call latency as the P2C balancer weighs it; written only when it is in use (see Balancer#tracksLatency). */
    final LatencyEwma latency;
    /** Null when breakers are off. */
    private final EndpointBreaker breaker;

    /**
     * Removed from the endpoint set ({@link EndpointSet}): takes no new calls, and its connections are closed as
     * they come back. Read on every release, written only by set changes.
     */
    volatile boolean draining;
    /** When draining began, on the client's clock. */
    volatile long drainingSinceNanos;

    EndpointPool(Endpoint endpoint, CircuitBreakerSettings settings, String clientName,
                 Listeners listeners, TimeSource time, Backoff reconnectBackoff) {
        this.endpoint = endpoint;
        this.clientName = clientName;
        for (int i = 0; i < destroyed.length; i++) {
            destroyed[i] = new LongAdder();
        }
        this.health = new EndpointHealth(time, reconnectBackoff);
        this.latency = new LatencyEwma(time.nanoTime());
        this.breaker = settings.enabled() ? new EndpointBreaker(endpoint, settings, clientName, listeners, time) : null;
    }

    void startDraining(long nowNanos) {
        drainingSinceNanos = nowNanos;
        draining = true;
        waiters.wakeAll(); // queued callers look again and, finding it draining, pick another endpoint
        if (shared.get() instanceof Pipelines.Shared s) {
            s.wakeAll(); // and so do callers waiting for room on its shared connections
        }
    }

    void stopDraining() {
        draining = false;
    }

    /** Asks the breaker to let one attempt through; it must then be settled with exactly one of the next three. */
    boolean tryPermission() {
        return breaker == null || breaker.tryPermission();
    }

    void recordSuccess(long nanos) {
        if (breaker != null) {
            breaker.recordSuccess(nanos);
        }
    }

    void recordFailure(long nanos, Throwable failure) {
        outcomesFailed.increment();
        if (breaker != null) {
            breaker.recordFailure(nanos, failure);
        }
    }

    /** Opens the breaker now (see {@link EndpointBreaker#open}); false when it was not closed or there is none. */
    boolean openBreaker() {
        return breaker != null && breaker.open();
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
        if (breaker != null) {
            breaker.close();
        }
    }

    /** Reachable and its breaker closed: what the panic threshold counts. */
    boolean healthy() {
        return health.isUp() && !breakerOpen();
    }

    boolean breakerOpen() {
        return breaker != null && breaker.isOpen();
    }

    /** How long until an open breaker lets a probe through; zero unless it is open. */
    long nanosUntilProbe() {
        return breaker == null ? 0 : breaker.nanosUntilProbe();
    }

    BreakerState breakerState() {
        return breaker == null ? BreakerState.DISABLED : breaker.state();
    }

    /**
     * Counts an acquire. The common one (a connection reused within a microsecond) bumps one striped counter;
     * the shared histogram is written only for the others and, when read, counts the quick ones (acquires it
     * did not record) as its zero bucket. Reuses are acquires minus fresh connections.
     */
    void recordAcquire(long nanos, boolean reused) {
        acquires.increment();
        if (!reused) {
            fresh.increment();
        }
        if (nanos >= 1000) {
            acquireMicros.recordValue(Math.min(MAX_TRACKED_MICROS, nanos / 1000));
        }
        TetherEvents.acquired(clientName, endpoint, nanos, reused);
    }

    long reuses() {
        return Math.max(0, acquires.sum() - fresh.sum());
    }

    /** The acquire-time histogram in microseconds, quick acquires included as zeros. */
    private org.HdrHistogram.Histogram acquireHistogram() {
        org.HdrHistogram.Histogram h = acquireMicros.copy();
        long quick = acquires.sum() - h.getTotalCount();
        if (quick > 0) {
            h.recordValueWithCount(0, quick);
        }
        return h;
    }

    /** Idle connections right now (entries being claimed may still be counted). */
    int idleCount() {
        return idle.size() + (recent.get() != null ? 1 : 0);
    }

    void recordDestroyed(DestroyReason reason) {
        destroyed[reason.ordinal()].increment();
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
