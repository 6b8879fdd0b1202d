package dev.tether.pool;

import dev.tether.core.Deadline;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings: how long the whole call may take and whether the request is safe to send twice.
 * Immutable; derive variants with {@link #withTimeout(Duration)}, {@link #withDeadline(Deadline)} and
 * {@link #idempotent(boolean)}.
 *
 * <p>The deadline bounds everything a call does: waiting for a connection, connecting, the TLS handshake,
 * every attempt and every backoff between attempts. Defaults ({@link #defaults()}): a 10s timeout, <b>not</b>
 * idempotent, so a request that may have reached the server is never sent again unless the caller says it may
 * be, and waiting for a reachable endpoint within the deadline ({@link #waitForReady(boolean)}).
 */
public final class CallOptions {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final CallOptions DEFAULTS = new CallOptions(DEFAULT_TIMEOUT, null, false, true, false);

    private final Duration timeout;
    private final Deadline deadline;
    private final boolean idempotent;
    private final boolean waitForReady;
    private final boolean exclusive;

    private CallOptions(Duration timeout, Deadline deadline, boolean idempotent, boolean waitForReady,
                        boolean exclusive) {
        this.timeout = timeout;
        this.deadline = deadline;
        this.idempotent = idempotent;
        this.waitForReady = waitForReady;
        this.exclusive = exclusive;
    }

    /** A 10s timeout, not idempotent. */
    public static CallOptions defaults() {
        return DEFAULTS;
    }

    /** The defaults with {@code timeout}. */
    public static CallOptions timeout(Duration timeout) {
        return DEFAULTS.withTimeout(timeout);
    }

    /** These options with a timeout counted from the start of each call they are used for. */
    public CallOptions withTimeout(Duration timeout) {
        return new CallOptions(Checks.positive("timeout", timeout), null, idempotent, waitForReady, exclusive);
    }

    /** These options with a fixed deadline, shared by every call they are used for. */
    public CallOptions withDeadline(Deadline deadline) {
        return new CallOptions(null, Objects.requireNonNull(deadline, "deadline"), idempotent, waitForReady, exclusive);
    }

    /** These options marked idempotent: the request may be sent again after a failure that may have reached the server. */
    public CallOptions idempotent(boolean idempotent) {
        return idempotent == this.idempotent ? this : new CallOptions(timeout, deadline, idempotent, waitForReady, exclusive);
    }

    /** These options marked idempotent. */
    public CallOptions idempotent() {
        return idempotent(true);
    }

    /**
     * These options with {@code waitForReady} set. With it (the default), a call whose endpoints are all
     * unreachable (refusing connections, timing out, reconnect backing off) waits for one to accept a connection,
     * up to its deadline, and then fails with an {@link EndpointUnavailableException} saying since when and why.
     * Without it the call fails at once with the last connect error.
     */
    public CallOptions waitForReady(boolean waitForReady) {
        return waitForReady == this.waitForReady ? this : new CallOptions(timeout, deadline, idempotent, waitForReady, exclusive);
    }

    /** These options failing at once, instead of waiting, when no endpoint is reachable. */
    public CallOptions failFast() {
        return waitForReady(false);
    }

    /**
     * These options with {@code exclusive} set: the call gets a connection to itself even when the pool
     * pipelines ({@link PoolSettings#pipelineDepth()} above 1), for a request that may hold the connection for a
     * long time (a RESP blocking command such as BLPOP: shared, it would hold up every request queued behind it).
     * Without pipelining every call is exclusive. Commands that change a connection's state for later requests
     * (SELECT, AUTH, CLIENT ...) belong in a {@link Lease} that undoes them, shared or not.
     */
    public CallOptions exclusive(boolean exclusive) {
        return exclusive == this.exclusive ? this : new CallOptions(timeout, deadline, idempotent, waitForReady, exclusive);
    }

    /** These options marked {@linkplain #exclusive(boolean) exclusive}. */
    public CallOptions exclusive() {
        return exclusive(true);
    }

    /** Whether the call must not share its connection with other calls. */
    public boolean isExclusive() {
        return exclusive;
    }

    /** Whether a call waits (within its deadline) for an endpoint to become reachable. */
    public boolean isWaitForReady() {
        return waitForReady;
    }

    /** Whether the request may be executed more than once. */
    public boolean isIdempotent() {
        return idempotent;
    }

    /** The deadline for a call starting now. */
    public Deadline deadlineFromNow() {
        return deadline != null ? deadline : Deadline.after(timeout);
    }

    /**
     * {@link #deadlineFromNow()} with the timeout measured on {@code clock}, which the caller has just read as
     * {@code now}; a fixed deadline is returned as given.
     */
    public Deadline deadlineFrom(java.util.function.LongSupplier clock, long now) {
        return deadline != null ? deadline : Deadline.after(timeout, clock, now);
    }

    /** The relative timeout, or the time left before the fixed deadline. */
    public Duration timeout() {
        return deadline != null ? deadline.remaining() : timeout;
    }

    @Override
    public String toString() {
        return "CallOptions[" + (deadline != null ? deadline.toString() : "timeout=" + timeout)
                + ", idempotent=" + idempotent + (waitForReady ? "" : ", failFast") + (exclusive ? ", exclusive" : "") + "]";
    }
}
