package dev.tether.pool.internal;

import dev.tether.core.ErrorReplyException;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.codec.Codec;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.ClientClosedException;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.PoolExhaustedException;
import dev.tether.pool.internal.jfr.CallEvent;
import dev.tether.pool.internal.jfr.TetherEvents;
import java.util.Optional;

/**
 * One call from start to end, in one loop: pick an endpoint (waiting for one to be reachable), take a
 * connection, exchange, settle the breaker; on failure classify it (request state, idempotency, error kind),
 * ask the retry budget, back off within the deadline, and go again. A connect that fails because the endpoint
 * cannot be reached is not an attempt: nothing was sent, and the call picks again.
 */
final class CallLoop<Req, Resp> {
    /** One attempt of a call or a lease, on a connection the loop took for it. */
    @FunctionalInterface
    interface Attempt<Req, Resp, T> {
        T run(PooledConnection<Req, Resp> pc, CallState st, long start) throws TetherException;
    }

    private final String clientName;
    private final Codec<Req, Resp> codec;
    private final EndpointSet set;
    private final Reachability reachability;
    private final ConnectionPool<Req, Resp> pool;
    private final RetryRules rules;
    private final TimeSource time;
    /**
     * Whether successful calls counted in flight feed their endpoint's latency average (the P2C balancer; a call is
     * counted only while the client has several endpoints, see {@link EndpointSet.View#countsInFlight}).
     */
    private final boolean trackLatency;
    /** Shared connections for calls that may share one; null when pipelining is off. */
    Pipelines<Req, Resp> pipelines;

    CallLoop(String clientName, Codec<Req, Resp> codec, EndpointSet set, Reachability reachability,
             ConnectionPool<Req, Resp> pool, RetryRules rules, TimeSource time, boolean trackLatency) {
        this.trackLatency = trackLatency;
        this.clientName = clientName;
        this.codec = codec;
        this.set = set;
        this.reachability = reachability;
        this.pool = pool;
        this.rules = rules;
        this.time = time;
    }

    /** Runs {@code attempt} until it succeeds or the rules stop it; inside a JFR call event. */
    <T> T run(CallState st, long start, Attempt<Req, Resp, T> attempt) throws TetherException {
        CallEvent event = TetherEvents.beginCall();
        rules.callStarted(start);
        long attemptStart = start;
        while (true) {
            try {
                T result = attemptOnce(st, attemptStart, attempt);
                TetherEvents.callEnded(event, clientName, st.attempts + 1, st.idempotent, null);
                return result;
            } catch (TetherException failure) {
                EndpointPool failedOn = failure.endpoint() == null ? null
                        : set.view().byEndpoint.get(failure.endpoint());
                st.failed(failedOn, failure);
                long backoff = rules.backoffBeforeRetry(st, failedOn, failure);
                if (backoff < 0) {
                    TetherEvents.callEnded(event, clientName, st.attempts, st.idempotent, failure);
                    throw failure;
                }
                if (!sleep(backoff)) {
                    CallInterruptedException interrupted = new CallInterruptedException(failure.endpoint(),
                            st.mayHaveBeenSent ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT, failure);
                    TetherEvents.callEnded(event, clientName, st.attempts, st.idempotent, interrupted);
                    throw interrupted;
                }
                attemptStart = time.nanoTime();
            }
        }
    }

    /** Waits {@code nanos} on the client's clock; false if interrupted (the flag stays set). */
    private boolean sleep(long nanos) {
        long until = time.nanoTime() + nanos;
        long left = nanos;
        while (left > 0) {
            time.park(this, left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            left = until - time.nanoTime();
        }
        return true;
    }

    private <T> T attemptOnce(CallState st, long start, Attempt<Req, Resp, T> attempt) throws TetherException {
        // The attempt owns the connection and the endpoint's raised in-flight count from here.
        return attempt.run(acquire(st, start), st, start);
    }

    /**
     * A call's exchange on {@code pc}: gives the connection back (or destroys it), lowers the endpoint's in-flight
     * count and settles the breaker.
     */
    Resp exchange(PooledConnection<Req, Resp> pc, Req request, CallState st) throws TetherException {
        // Read while the call owns the connection: once given back, another caller may own it and set its own.
        // A shared connection has several calls at once: each remembers its own.
        boolean counted = st.pipeline != null ? st.countedShared : pc.countedInFlight;
        try {
            return exchangeOn(pc, request, st, counted);
        } finally {
            if (counted) {
                pc.endpoint.inFlight.decrement();
            }
        }
    }

    private Resp exchangeOn(PooledConnection<Req, Resp> pc, Req request, CallState st, boolean counted)
            throws TetherException {
        if (st.pipeline != null) {
            return exchangeShared(pc, request, st, counted);
        }
        EndpointPool ep = pc.endpoint;
        long start = time.nanoTime();
        if (st.deadline.nanoTime() - start <= 0) {
            // The deadline passed while the connection was found or checked. The write would refuse at once
            // and the untouched, healthy connection would then be destroyed as broken: give it back instead.
            pool.release(pc, null);
            releasePermission(ep, st);
            throw new TimedOutException(TimedOutException.Phase.ACQUIRE, ep.endpoint, st.deadline.budget(),
                    RequestState.NOT_SENT, null);
        }
        Resp response;
        try {
            response = pc.framed.exchange(request, st.deadline);
        } catch (TetherException e) {
            pool.release(pc, isEncodeFailure(e) ? null : DestroyReason.BROKEN);
            settle(ep, e, start, st);
            throw e;
        } catch (RuntimeException | Error e) {
            // A codec bug or similar: the connection's state is unknown, so it must not be reused.
            pool.release(pc, DestroyReason.BROKEN);
            releasePermission(ep, st);
            throw e;
        }
        // One clock read for the connection's last use, the breaker's duration and the latency average.
        long end = time.nanoTime();
        pool.release(pc, null, end);
        if (counted) {
            ep.outcomesOk.increment();
            if (trackLatency) {
                ep.latency.record(end - start, end);
            }
        }
        if (st.permitted) {
            ep.recordSuccess(end - start);
        }
        return checked(response);
    }

    /** {@link #exchangeOn} on a shared connection: the {@link Pipeline} decides the connection's fate. */
    private Resp exchangeShared(PooledConnection<Req, Resp> pc, Req request, CallState st, boolean counted)
            throws TetherException {
        @SuppressWarnings("unchecked")
        Pipeline<Req, Resp> pipeline = (Pipeline<Req, Resp>) st.pipeline;
        st.pipeline = null; // a retry joins again
        EndpointPool ep = pc.endpoint;
        long start = time.nanoTime();
        Resp response;
        try {
            response = pipeline.exchange(request, st);
        } catch (TetherException e) {
            if (st.failedSecondhand) {
                st.failedSecondhand = false;
                releasePermission(ep, st); // counted once, by the caller whose write or read failed
            } else {
                settle(ep, e, start, st);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            releasePermission(ep, st);
            throw e;
        }
        long end = time.nanoTime();
        if (counted) {
            ep.outcomesOk.increment();
            if (trackLatency) {
                ep.latency.record(end - start, end);
            }
        }
        if (st.permitted) {
            ep.recordSuccess(end - start);
        }
        return checked(response);
    }

    /**
     * {@code response}, or the error reply the codec says to throw (after the healthy connection went back and
     * the breaker saw a success; not retryable, so the loop stops).
     */
    Resp checked(Resp response) throws TetherException {
        Optional<ErrorReplyException> error = codec.errorReply(response);
        if (error.isPresent()) {
            throw error.get();
        }
        return response;
    }

    /**
     * A connection for the call's next attempt, its endpoint's in-flight count raised (the caller lowers it).
     * A connect that fails because the endpoint cannot be reached is not an attempt: the call picks again, going
     * to another endpoint or waiting for one to come back within its deadline ({@link Reachability}).
     */
    private PooledConnection<Req, Resp> acquire(CallState st, long start) throws TetherException {
        while (true) {
            // {@code start} was read just now (the call's start, or after a wait): no second clock read.
            if (st.deadline.nanoTime() - start <= 0) {
                throw deadlinePassed(st);
            }
            EndpointPool ep = reachability.pickOrAwait(st);
            // From the pick's view, remembered on the connection: a set change meanwhile cannot unbalance it.
            boolean count = st.countsInFlight;
            if (count) {
                ep.inFlight.increment();
            }
            try {
                if (st.shared) {
                    PooledConnection<Req, Resp> shared = pipelines.join(ep, st, start);
                    st.countedShared = count;
                    return shared;
                }
                PooledConnection<Req, Resp> pc = pool.acquire(ep, st.deadline, start);
                pc.countedInFlight = count;
                return pc;
            } catch (TetherException e) {
                if (count) {
                    ep.inFlight.decrement();
                }
                if (isReachabilityFailure(e)) {
                    releasePermission(ep, st);
                    st.lastConnectFailure = e;
                    start = time.nanoTime();
                    continue;
                }
                settle(ep, e, start, st);
                throw e;
            } catch (RuntimeException | Error e) {
                if (count) {
                    ep.inFlight.decrement();
                }
                // An unsettled permission of a half-open breaker would keep it refusing for good.
                releasePermission(ep, st);
                throw e;
            }
        }
    }

    /** A failure to connect that says the endpoint cannot be reached now (not a trust or configuration error). */
    private static boolean isReachabilityFailure(TetherException e) {
        return e.isRetryable() && e.requestNotSent() && !(e instanceof ClientClosedException)
                && !(e instanceof CallInterruptedException) && !isAcquireTimeout(e);
    }

    /** The deadline passed before an attempt could start: waiting for an endpoint, queued, or backing off. */
    private TetherException deadlinePassed(CallState st) {
        if (st.lastConnectFailure != null) {
            for (EndpointPool p : set.view().candidates) {
                if (!p.health.isUp()) {
                    return reachability.unavailable(st, p);
                }
            }
            if (st.lastConnectFailure instanceof TimedOutException connectTimedOut) {
                // The call's own deadline ran out while it connected: that timeout is the whole story.
                return connectTimedOut;
            }
        }
        return new TimedOutException(TimedOutException.Phase.CALL, null, st.deadline.budget(),
                st.mayHaveBeenSent ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT, st.lastConnectFailure);
    }

    static void releasePermission(EndpointPool ep, CallState st) {
        if (st.permitted) {
            st.permitted = false;
            ep.releasePermission();
        }
    }

    /** Settles the breaker permission of a failed attempt: counted only if the failure is the endpoint's doing. */
    private void settle(EndpointPool ep, TetherException e, long start, CallState st) {
        if (!st.permitted) {
            return;
        }
        st.permitted = false;
        if (e instanceof PoolExhaustedException || isAcquireTimeout(e) || e instanceof ClientClosedException
                || e instanceof CallInterruptedException || isEncodeFailure(e)) {
            ep.releasePermission();
        } else {
            ep.recordFailure(time.nanoTime() - start, e);
        }
    }

    /** The caller's own deadline ran out before anything was sent: says nothing about the endpoint. */
    private static boolean isAcquireTimeout(TetherException e) {
        return e instanceof TimedOutException t && t.phase() == TimedOutException.Phase.ACQUIRE;
    }

    private static boolean isEncodeFailure(TetherException e) {
        return e instanceof ProtocolViolationException && e.requestNotSent();
    }

    /** Retries the budget refused so far. */
    long retriesThrottled() {
        return rules.throttled.sum();
    }
}
