package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.pool.EndpointSource;
import dev.tether.pool.EndpointSourceStatus;
import dev.tether.pool.NoEndpointsException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a client's {@link EndpointSource} for the endpoints on its refresh interval and hands each good answer to
 * the engine. A failed or empty answer keeps the last good set (logged, counted in the status, told to listeners)
 * and is asked again sooner: after 1s, then twice as long each time, never later than the refresh interval. The
 * source is asked on the background executor (it may block on DNS), scheduled on the client's clock, and never
 * by two threads at once.
 */
final class EndpointRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointRefresher.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final String clientName;
    private final EndpointSource source;
    private final TimeSource time;
    private final Executor background;
    private final Listeners listeners;
    private final Consumer<List<Endpoint>> apply;
    private final long intervalNanos;
    private final Backoff retryBackoff;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile TimeSource.Scheduled next;
    /** Background refreshes finished, the next one scheduled: how tests on a hand-moved clock know it is safe to move it. */
    private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();

    private volatile List<Endpoint> endpoints = List.of();
    private volatile Instant lastSuccess;
    private volatile int consecutiveFailures;
    private volatile Exception lastError;

    EndpointRefresher(String clientName, EndpointSource source, TimeSource time, Executor background,
                      Listeners listeners, Consumer<List<Endpoint>> apply) {
        this.clientName = clientName;
        this.source = source;
        this.time = time;
        this.background = background;
        this.listeners = listeners;
        this.apply = apply;
        Duration interval = source.refreshInterval();
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("endpoint source " + source.description()
                    + " has a refresh interval of " + interval + "; it must be positive");
        }
        this.intervalNanos = interval.toNanos();
        // 1s, 2s, 4s, ... never later than the interval; no jitter (one client's source, not a reconnect storm).
        Duration first = interval.compareTo(FIRST_RETRY) < 0 ? interval : FIRST_RETRY;
        this.retryBackoff = new Backoff(first, 2.0, 0, interval, () -> 0.5);
    }

    /**
     * The first answer, asked on the calling thread: the endpoints to start with, or an empty list when the
     * source failed (the client then starts without endpoints and asks again soon).
     */
    List<Endpoint> first() {
        refreshOnce();
        return endpoints;
    }

    /** Schedules the next refresh: at the interval after a good answer, sooner after a failed one. */
    void start() {
        scheduleNext();
    }

    void stop() {
        stopped = true;
        TimeSource.Scheduled n = next;
        if (n != null) {
            n.cancel();
        }
    }

    private void scheduleNext() {
        if (stopped) {
            return;
        }
        int failures = consecutiveFailures;
        long delay = failures == 0 ? intervalNanos : retryBackoff.delayNanos(failures);
        next = time.schedule(() -> {
            try {
                background.execute(() -> {
                    try {
                        refreshOnce();
                    } finally {
                        scheduleNext();
                        completed.incrementAndGet();
                    }
                });
            } catch (RejectedExecutionException e) {
                if (!stopped) {
                    LOG.debug("client {}: could not start asking {}: {}", clientName, source.description(), e.toString());
                    scheduleNext();
                }
            }
        }, delay);
    }

    /** Asks the source once and applies a good answer. */
    void refreshOnce() {
        if (stopped || !running.compareAndSet(false, true)) {
            return;
        }
        try {
            List<Endpoint> answer;
            try {
                answer = source.resolve();
                if (answer == null || answer.isEmpty()) {
                    throw new IllegalStateException(source.description() + " answered with no endpoints");
                }
                for (Endpoint e : answer) { // not contains(null): immutable lists throw for it
                    if (e == null) {
                        throw new IllegalStateException(source.description() + " answered with a null endpoint");
                    }
                }
            } catch (Exception e) {
                failed(e);
                return;
            } catch (LinkageError e) {
                failed(new IllegalStateException(source.description() + " failed: " + e, e));
                return;
            }
            List<Endpoint> distinct = List.copyOf(new LinkedHashSet<>(answer));
            int failuresBefore = consecutiveFailures;
            endpoints = distinct;
            lastSuccess = Instant.now();
            consecutiveFailures = 0;
            lastError = null;
            if (failuresBefore > 0) {
                LOG.info("client {}: {} answers again after {} failure(s): {}", clientName, source.description(),
                        failuresBefore, distinct);
            }
            if (!stopped) {
                apply.accept(distinct);
            }
        } finally {
            running.set(false);
        }
    }

    private void failed(Exception e) {
        int failures = ++consecutiveFailures;
        lastError = e;
        List<Endpoint> keeping = endpoints;
        if (failures == 1) {
            LOG.warn("client {}: {} failed ({}); keeping the last good endpoints {}", clientName,
                    source.description(), e.getMessage(), keeping);
        } else {
            LOG.debug("client {}: {} failed again ({} in a row): {}", clientName, source.description(), failures,
                    e.toString());
        }
        listeners.endpointSourceFailed(source.description(), e, keeping);
    }

    long completedRefreshes() {
        return completed.get();
    }

    EndpointSourceStatus status(List<Endpoint> inUse) {
        Exception error = lastError;
        return new EndpointSourceStatus(source.description(), new ArrayList<>(inUse), Optional.ofNullable(lastSuccess),
                consecutiveFailures, Optional.ofNullable(error).map(e -> String.valueOf(e.getMessage())),
                Duration.ofNanos(intervalNanos));
    }

    /** The failure of a call that found no endpoints: the source has not answered yet. */
    NoEndpointsException noEndpoints() {
        return new NoEndpointsException(clientName, source.description(), lastError);
    }
}
