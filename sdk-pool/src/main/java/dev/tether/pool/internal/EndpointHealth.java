package dev.tether.pool.internal;

import dev.tether.core.TetherException;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether an endpoint can be connected to, and when the next attempt may be made while it cannot.
 *
 * <p>An endpoint is <i>up</i> until a connect to it fails; then it is <i>down</i> and stays so until a connect
 * succeeds. While up, any number of connects may run (the pool grows as callers need). While down, callers do
 * not connect at all: one attempt at a time is admitted ({@link #admitConnect}), and only once the backoff
 * after the last failure has passed. The hot path reads one volatile field ({@link #isUp()}); the rare state
 * changes take a lock.
 */
final class EndpointHealth {
    /** What a state change means to the client: nothing, a new outage, or the end of one. */
    enum Change { NONE, WENT_DOWN, CAME_BACK }

    private final TimeSource time;
    private final Backoff backoff;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile boolean up = true;
    // Guarded by lock.
    private int consecutiveFailures;
    private long nextAttemptNanos;
    private boolean attemptInFlight;
    private long downSinceNanos;
    private Instant downSince;
    private int attemptsWhileDown;
    private TetherException lastError;

    EndpointHealth(TimeSource time, Backoff backoff) {
        this.time = time;
        this.backoff = backoff;
    }

    /** True unless the last connect failed. */
    boolean isUp() {
        return up;
    }

    /**
     * Whether a connect may start now. Always while up; while down, only when the backoff has passed and no
     * other attempt runs, and then this caller owns the attempt until {@link #connected} or {@link #failed}.
     */
    boolean admitConnect() {
        if (up) {
            return true;
        }
        lock.lock();
        try {
            if (up) {
                return true;
            }
            if (attemptInFlight || time.nanoTime() - nextAttemptNanos < 0) {
                return false;
            }
            attemptInFlight = true;
            attemptsWhileDown++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A connect succeeded: the endpoint is up, its backoff reset. */
    Change connected() {
        if (up) {
            return Change.NONE;
        }
        lock.lock();
        try {
            if (up) {
                return Change.NONE;
            }
            up = true;
            consecutiveFailures = 0;
            attemptInFlight = false;
            return Change.CAME_BACK;
        } finally {
            lock.unlock();
        }
    }

    /** A connect failed with {@code error}: the endpoint is down until the backoff passes and an attempt works. */
    Change failed(TetherException error) {
        lock.lock();
        try {
            long now = time.nanoTime();
            boolean wasUp = up;
            if (!wasUp && !attemptInFlight) {
                // A connect that started while the endpoint was still up (many callers find a restart at once):
                // the outage is already counted, and counting each of them would push the backoff to its cap.
                lastError = error;
                return Change.NONE;
            }
            if (wasUp) {
                downSinceNanos = now;
                downSince = Instant.now();
                attemptsWhileDown = 0;
                consecutiveFailures = 0;
            }
            consecutiveFailures++;
            nextAttemptNanos = now + backoff.delayNanos(consecutiveFailures);
            attemptInFlight = false;
            lastError = error;
            up = false;
            return wasUp ? Change.WENT_DOWN : Change.NONE;
        } finally {
            lock.unlock();
        }
    }

    /** An admitted attempt ended without connecting or failing (it could not start): others may try at once. */
    void abandoned() {
        lock.lock();
        try {
            attemptInFlight = false;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds until the next attempt is due (0 when due now or up). */
    long nanosUntilAttempt() {
        lock.lock();
        try {
            return up ? 0 : Math.max(0, nextAttemptNanos - time.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** What a caller that gives up waiting needs to say why; null while up. */
    Outage outage() {
        lock.lock();
        try {
            if (up) {
                return null;
            }
            long now = time.nanoTime();
            return new Outage(downSince, now - downSinceNanos, attemptsWhileDown + 1, Math.max(0, nextAttemptNanos - now),
                    lastError);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An endpoint's current outage: since when (wall clock, for people), for how long, how many connects failed
     * (the one that began it included), when the next is due, and the last error.
     */
    record Outage(Instant since, long downForNanos, int failedConnects, long nextAttemptInNanos,
                  TetherException lastError) {
    }
}
