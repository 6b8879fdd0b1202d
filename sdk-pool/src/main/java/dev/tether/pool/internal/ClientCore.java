package dev.tether.pool.internal;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ErrorReplyException;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.KeepAlivePing;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.CallOptions;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.CircuitOpenException;
import dev.tether.pool.ClientClosedException;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.Lease;
import dev.tether.pool.LoadBalancing;
import dev.tether.pool.PoolExhaustedException;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.ReconnectSettings;
import dev.tether.pool.CallRejectedException;
import dev.tether.pool.RetrySettings;
import dev.tether.pool.TetherClient;
import dev.tether.pool.TetherClientListener;
import dev.tether.pool.internal.jfr.CallEvent;
import dev.tether.pool.internal.jfr.TetherEvents;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TetherClient} implementation: a commons-pool2 keyed pool of connections per endpoint, wrapped in
 * per-endpoint permits (so every wait is bounded and commons-pool2 never blocks inside its own locks), a
 * resilience4j retry loop and a breaker per endpoint.
 */
public final class ClientCore<Req, Resp> implements TetherClient<Req, Resp> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);
    /** How long one borrow from commons-pool2 may wait before it looks for room again (see {@link #borrow}). */
    private static final long BORROW_RETRY_MILLIS = 10;

    /** Everything the builder gathered, already validated. */
    public record Config<Req, Resp>(String name, List<Endpoint> endpoints, Codec<Req, Resp> codec, Connector connector,
                                    TransportOptions transport, PoolSettings pool, RetrySettings retry,
                                    CircuitBreakerSettings breaker, ReconnectSettings reconnect,
                                    LoadBalancing loadBalancing,
                                    CallOptions defaultCallOptions, KeepAlivePing<Req, Resp> ping,
                                    List<TetherClientListener> listeners, Executor asyncExecutor) {
    }

    private enum State { OPEN, CLOSING, CLOSED }

    /** One attempt of a call or a lease; throws to let the retry rules decide. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run(CallState st) throws TetherException;
    }

    private final Config<Req, Resp> config;
    private final String name;
    private final List<Endpoint> endpoints;
    private final EndpointPool[] pools;
    private final Map<Endpoint, EndpointPool> byEndpoint;
    private final Listeners listeners;
    private final ConnectionFactory<Req, Resp> factory;
    private final GenericKeyedObjectPool<Endpoint, PooledConnection<Req, Resp>> pool;
    private final Semaphore totalPermits;
    private final java.util.concurrent.atomic.AtomicInteger totalWaiters = new java.util.concurrent.atomic.AtomicInteger();
    private final boolean lifo;
    private final long acquireTimeoutNanos;
    private final Balancer balancer;
    private final Reachability reachability;
    private final RetryRules retryRules;
    private final Maintenance<Req, Resp> maintenance;
    private final LeakDetector leaks;
    private final Executor async;
    private final ExecutorService ownedAsync;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    /** Calls and leases in progress. An AtomicLong, not a LongAdder: close() must never read a torn zero. */
    private final AtomicLong inFlight = new AtomicLong();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final Condition drained = drainLock.newCondition();

    public ClientCore(Config<Req, Resp> config) {
        this.config = config;
        this.name = config.name();
        this.endpoints = config.endpoints();
        this.listeners = new Listeners(config.listeners());
        PoolSettings ps = config.pool();
        this.pools = new EndpointPool[endpoints.size()];
        Map<Endpoint, EndpointPool> map = new LinkedHashMap<>();
        ReconnectSettings rs = config.reconnect();
        Backoff reconnectBackoff = new Backoff(rs.initialBackoff(), rs.multiplier(), rs.jitter(), rs.maxBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
        for (int i = 0; i < pools.length; i++) {
            pools[i] = new EndpointPool(endpoints.get(i), i, ps.maxPerEndpoint(), config.breaker(), name, listeners,
                    TimeSource.SYSTEM, reconnectBackoff);
            map.put(endpoints.get(i), pools[i]);
        }
        this.byEndpoint = map;
        this.balancer = new Balancer(pools, config.loadBalancing(), config.breaker().panicThreshold());
        this.reachability = new Reachability(name, pools, balancer, listeners);
        this.factory = new ConnectionFactory<>(config.connector(), config.codec(), config.ping(), byEndpoint,
                config.transport().connectTimeout(), ps, listeners, reachability);
        this.pool = new GenericKeyedObjectPool<>(factory, poolConfig(ps, factory));
        // Freed capacity is never refilled on the returning caller's thread: that would connect inside a release.
        pool.setReuseCapacityOnReturn(false);
        pool.setReuseCapacityOnMaintenance(false);
        this.totalPermits = new Semaphore(ps.maxTotal(), true);
        this.lifo = ps.lifo();
        this.acquireTimeoutNanos = ps.acquireTimeout().toNanos();
        this.retryRules = new RetryRules(name, config.retry(), listeners);
        if (config.asyncExecutor() != null) {
            this.async = config.asyncExecutor();
            this.ownedAsync = null;
        } else {
            this.ownedAsync = AsyncExecutors.create(name + "-call", Math.max(2, ps.maxTotal()));
            this.async = ownedAsync;
        }
        this.maintenance = new Maintenance<>(name, ps, pool, pools, totalPermits, async, this::flushReady);
        reachability.probesBy(maintenance::scheduleProbe);
        this.leaks = new LeakDetector(ps.leakDetectionThreshold(), maintenance.scheduler(), listeners);
        maintenance.start();
        LOG.debug("client {} started for {} with {}", name, endpoints, ps);
    }

    private static <Req, Resp> GenericKeyedObjectPoolConfig<PooledConnection<Req, Resp>> poolConfig(
            PoolSettings ps, ConnectionFactory<Req, Resp> factory) {
        GenericKeyedObjectPoolConfig<PooledConnection<Req, Resp>> c = new GenericKeyedObjectPoolConfig<>();
        c.setMaxTotal(ps.maxTotal());
        c.setMaxTotalPerKey(ps.maxPerEndpoint());
        c.setMaxIdlePerKey(ps.maxPerEndpoint());
        // Minimum idle is kept by Maintenance off the pool's threads, so a slow connect never stalls eviction.
        c.setMinIdlePerKey(0);
        c.setLifo(ps.lifo());
        c.setBlockWhenExhausted(true);
        c.setMaxWait(ps.acquireTimeout());
        c.setTestOnCreate(false);
        c.setTestOnBorrow(true);
        c.setTestOnReturn(false);
        c.setTestWhileIdle(true);
        // commons-pool2's shared evictor thread stays off; Maintenance calls evict() on the client's own thread.
        c.setTimeBetweenEvictionRuns(Duration.ofMillis(-1));
        c.setNumTestsPerEvictionRun(-1);
        c.setEvictionPolicy(new EvictionRules<>(factory, ps.maxIdleTime().toNanos(), ps.minIdlePerEndpoint()));
        c.setJmxEnabled(false);
        c.setFairness(false);
        return c;
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    @Override
    public Resp call(Req request) throws TetherException {
        return call(request, config.defaultCallOptions());
    }

    @Override
    public Resp call(Req request, CallOptions options) throws TetherException {
        Objects.requireNonNull(request, "request");
        Deadline deadline = options.deadlineFromNow();
        enter();
        try {
            return withRetries(new CallState(deadline, options.isIdempotent(), options.isWaitForReady()),
                    st -> checked(attempt(request, st)));
        } finally {
            exit();
        }
    }

    @Override
    public CompletableFuture<Resp> callAsync(Req request) {
        return callAsync(request, config.defaultCallOptions());
    }

    @Override
    public CompletableFuture<Resp> callAsync(Req request, CallOptions options) {
        Objects.requireNonNull(request, "request");
        Deadline deadline = options.deadlineFromNow();
        CompletableFuture<Resp> future = new CompletableFuture<>();
        try {
            enter();
        } catch (ClientClosedException e) {
            future.completeExceptionally(e);
            return future;
        }
        try {
            async.execute(() -> {
                try {
                    future.complete(withRetries(new CallState(deadline, options.isIdempotent(), options.isWaitForReady()),
                            st -> checked(attempt(request, st))));
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                } finally {
                    exit();
                }
            });
        } catch (RejectedExecutionException e) {
            exit();
            future.completeExceptionally(new CallRejectedException(name, e));
        }
        return future;
    }

    /**
     * {@code response}, or the error reply the codec says to throw (after the healthy connection went back and
     * the breaker saw a success; not retryable, so the retry loop stops).
     */
    Resp checked(Resp response) throws TetherException {
        Optional<ErrorReplyException> error = config.codec().errorReply(response);
        if (error.isPresent()) {
            throw error.get();
        }
        return response;
    }

    /** {@link #retrying} inside a JFR call event. */
    private <T> T withRetries(CallState st, Attempt<T> attempt) throws TetherException {
        CallEvent event = TetherEvents.beginCall();
        try {
            T result = retrying(st, attempt);
            TetherEvents.callEnded(event, name, st.attempts + 1, st.idempotent, null);
            return result;
        } catch (TetherException e) {
            TetherEvents.callEnded(event, name, st.attempts, st.idempotent, e);
            throw e;
        }
    }

    private <T> T retrying(CallState st, Attempt<T> attempt) throws TetherException {
        Retry.Context<Object> ctx = retryRules.begin();
        while (true) {
            try {
                T result = attempt.run(st);
                ctx.onComplete();
                return result;
            } catch (TetherException failure) {
                EndpointPool failedOn = failure.endpoint() == null ? null : byEndpoint.get(failure.endpoint());
                st.failed(failedOn, failure);
                AttemptFailure decision = retryRules.decide(st, failedOn, failure);
                try {
                    ctx.onError(decision);
                } catch (AttemptFailure stop) {
                    if (stop.retry && Thread.currentThread().isInterrupted()) {
                        throw new CallInterruptedException(failure.endpoint(),
                                st.mayHaveBeenSent ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT, failure);
                    }
                    throw failure;
                } catch (Exception unexpected) {
                    failure.addSuppressed(unexpected);
                    throw failure;
                }
            }
        }
    }

    private Resp attempt(Req request, CallState st) throws TetherException {
        PooledConnection<Req, Resp> pc = acquireWaitingForReady(st);
        EndpointPool ep = pc.endpoint;
        long start = System.nanoTime();
        DestroyReason discard = null;
        try {
            if (st.deadline.isExpired()) {
                // The deadline passed while the connection was found or checked. The write would refuse at once
                // and the untouched, healthy connection would then be destroyed as broken: give it back instead.
                PooledConnection<Req, Resp> untouched = pc;
                pc = null;
                release(untouched, null);
                releasePermission(ep, st);
                throw new TimedOutException(TimedOutException.Phase.ACQUIRE, ep.endpoint, st.deadline.budget(),
                        RequestState.NOT_SENT, null);
            }
            Resp response = pc.framed.exchange(request, st.deadline);
            if (st.permitted) {
                ep.recordSuccess(System.nanoTime() - start);
            }
            return response;
        } catch (TetherException e) {
            if (pc != null && !isEncodeFailure(e)) {
                discard = DestroyReason.BROKEN;
            }
            if (pc != null) {
                settle(ep, e, start, st.permitted);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            // A codec bug or similar: the connection's state is unknown, so it must not be reused.
            discard = DestroyReason.BROKEN;
            releasePermission(ep, st);
            throw e;
        } finally {
            if (pc != null) {
                release(pc, discard);
            }
            ep.inFlight.decrementAndGet();
        }
    }

    /**
     * A connection for the call's next attempt, its endpoint's in-flight count raised. A connect that fails because the endpoint cannot be reached is
     * not an attempt (nothing was sent, and the endpoint is now marked unreachable): the call picks again, going
     * to another endpoint or waiting for one to come back within its deadline ({@link Reachability}).
     */
    private PooledConnection<Req, Resp> acquireWaitingForReady(CallState st) throws TetherException {
        while (true) {
            if (st.deadline.isExpired()) {
                throw deadlinePassed(st);
            }
            EndpointPool ep = reachability.pickOrAwait(st);
            long start = System.nanoTime();
            // In flight from here (waiting for a connection counts): the caller decrements once done with it.
            ep.inFlight.incrementAndGet();
            try {
                return acquire(ep, st.deadline);
            } catch (TetherException e) {
                ep.inFlight.decrementAndGet();
                if (isReachabilityFailure(e)) {
                    releasePermission(ep, st);
                    st.lastConnectFailure = e;
                    continue;
                }
                settle(ep, e, start, st.permitted);
                throw e;
            } catch (RuntimeException | Error e) {
                ep.inFlight.decrementAndGet();
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
            for (EndpointPool p : pools) {
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

    private static void releasePermission(EndpointPool ep, CallState st) {
        if (st.permitted) {
            st.permitted = false;
            ep.releasePermission();
        }
    }

    /** Settles the breaker permission of a failed attempt: counted only if the failure is the endpoint's doing. */
    private static void settle(EndpointPool ep, TetherException e, long start, boolean permitted) {
        if (!permitted) {
            return;
        }
        if (e instanceof PoolExhaustedException || isAcquireTimeout(e) || e instanceof ClientClosedException
                || e instanceof CallInterruptedException || isEncodeFailure(e)) {
            ep.releasePermission();
        } else {
            ep.recordFailure(System.nanoTime() - start, e);
        }
    }

    /** The caller's own deadline ran out before anything was sent: says nothing about the endpoint. */
    private static boolean isAcquireTimeout(TetherException e) {
        return e instanceof TimedOutException t && t.phase() == TimedOutException.Phase.ACQUIRE;
    }

    private static boolean isEncodeFailure(TetherException e) {
        return e instanceof ProtocolViolationException && e.requestNotSent();
    }

    // ---- leases --------------------------------------------------------------------------------------------

    @Override
    public Lease<Req, Resp> lease() throws TetherException {
        return lease(config.defaultCallOptions());
    }

    @Override
    public Lease<Req, Resp> lease(CallOptions options) throws TetherException {
        Deadline deadline = options.deadlineFromNow();
        enter();
        boolean handedOut = false;
        try {
            LeaseImpl<Req, Resp> lease = withRetries(new CallState(deadline, options.isIdempotent(), options.isWaitForReady()), this::openLease);
            handedOut = true;
            return lease;
        } finally {
            if (!handedOut) {
                exit();
            }
        }
    }

    private LeaseImpl<Req, Resp> openLease(CallState st) throws TetherException {
        long start = System.nanoTime();
        PooledConnection<Req, Resp> pc = acquireWaitingForReady(st);
        EndpointPool ep = pc.endpoint;
        if (st.permitted) {
            ep.recordSuccess(System.nanoTime() - start);
        }
        return new LeaseImpl<>(this, pc, leaks.track(ep.endpoint), config.defaultCallOptions().timeout());
    }

    /** Called once by a closing lease. */
    void leaseClosed(PooledConnection<Req, Resp> pc, DestroyReason discard) {
        try {
            release(pc, discard);
        } finally {
            pc.endpoint.inFlight.decrementAndGet();
            exit();
        }
    }

    // ---- the pool ------------------------------------------------------------------------------------------

    /**
     * Takes a connection for {@code ep}.
     *
     * <p>Fast path: a connection another caller just gave back, taken from the endpoint's lock-free ready list
     * together with the permits it holds. commons-pool2 serialises its borrow and return on shared locks (a fair
     * key lock, the idle deque's lock, a synchronized statistics store), which costs dearly once threads outnumber
     * cores; the ready list keeps steady traffic off them while commons-pool2 still creates, validates, evicts and
     * destroys every connection.
     *
     * <p>Slow path: a per-endpoint and a total permit (the only waits, both bounded by the acquire timeout and the
     * deadline), then commons-pool2, which then always finds an idle connection or room to open one (within the
     * deadline) without waiting. A caller announces itself in {@code waiters} before its last look at the ready
     * list, and a releasing caller checks {@code waiters} after publishing its connection, so a connection is
     * never parked in the ready list while a caller waits for a permit.
     */
    private PooledConnection<Req, Resp> acquire(EndpointPool ep, Deadline deadline) throws TetherException {
        long start = System.nanoTime();
        boolean holdingPermits = false;
        PooledConnection<Req, Resp> pc;
        while ((pc = pollReady(ep, true)) != null) {
            if (holdingPermits) {
                releasePermits(ep);
            }
            if (factory.validateForReuse(pc)) {
                ep.recordAcquire(System.nanoTime() - start, pc.uses++ > 0);
                return pc;
            }
            discardHolding(pc);
            holdingPermits = true;
        }
        if (!holdingPermits) {
            pc = acquirePermitsOrReady(ep, deadline, start);
            if (pc != null) {
                if (factory.validateForReuse(pc)) {
                    ep.recordAcquire(System.nanoTime() - start, pc.uses++ > 0);
                    return pc;
                }
                discardHolding(pc);
            }
        }
        pc = borrow(ep, deadline, start);
        ep.recordAcquire(System.nanoTime() - start, pc.uses++ > 0);
        return pc;
    }

    /**
     * Takes both permits, or a ready connection (which brings its own) that appeared while waiting. A caller
     * counts itself in {@code waiters} only while it must wait, and looks at the ready list once more after
     * doing so; a releasing caller publishes its connection before it reads {@code waiters}. So either the
     * waiter sees the connection, or the releaser sees the waiter and hands a connection back with its permits.
     *
     * @return a ready connection holding both permits, or null when this caller now holds both permits
     */
    private PooledConnection<Req, Resp> acquirePermitsOrReady(EndpointPool ep, Deadline deadline, long start)
            throws TetherException {
        long budget = Math.min(acquireTimeoutNanos, deadline.remainingNanos());
        // Fair permits, and no barging past callers already queued: under saturation they are served in order.
        if (ep.permits.hasQueuedThreads() || !ep.permits.tryAcquire()) {
            ep.waiters.incrementAndGet();
            try {
                PooledConnection<Req, Resp> pc = pollReady(ep, true);
                if (pc != null) {
                    return pc;
                }
                if (!tryAcquire(ep.permits, budget, ep)) {
                    throw exhausted(ep, start);
                }
            } finally {
                ep.waiters.decrementAndGet();
            }
        }
        if (totalPermits.hasQueuedThreads() || !totalPermits.tryAcquire()) {
            totalWaiters.incrementAndGet();
            try {
                PooledConnection<Req, Resp> pc = pollReady(ep, true);
                if (pc != null) {
                    ep.permits.release();
                    return pc;
                }
                freeTotalPermitParkedElsewhere(ep);
                boolean acquired = false;
                try {
                    acquired = tryAcquire(totalPermits, budget - (System.nanoTime() - start), ep);
                } finally {
                    // Timed out or interrupted: the endpoint permit taken above goes back either way.
                    if (!acquired) {
                        ep.permits.release();
                    }
                }
                if (!acquired) {
                    throw exhausted(ep, start);
                }
            } finally {
                totalWaiters.decrementAndGet();
            }
        }
        return null;
    }

    /**
     * A ready connection holds a client-wide permit, so idle connections parked for other endpoints can use up
     * {@code maxTotal} while nothing is in use. A caller waiting for a client-wide permit (already counted in
     * {@code totalWaiters}) therefore hands one such connection back to commons-pool2, which frees its permits;
     * commons-pool2 then closes its oldest idle connection when the new one needs the room. Together with the
     * releaser's check of {@code totalWaiters} after publishing, no permit stays parked while a caller waits.
     */
    private void freeTotalPermitParkedElsewhere(EndpointPool waitingFor) {
        for (EndpointPool other : pools) {
            if (other == waitingFor) {
                continue;
            }
            PooledConnection<Req, Resp> oldest = pollReady(other, false);
            if (oldest != null) {
                handBack(other, oldest);
                return;
            }
        }
    }

    /** Borrows from commons-pool2 while holding both permits; gives them back if that fails. */
    private PooledConnection<Req, Resp> borrow(EndpointPool ep, Deadline deadline, long start) throws TetherException {
        ConnectionFactory.connectWithin(deadline);
        try {
            while (true) {
                // Short waits, each followed by a fresh try: the permits guarantee room, so commons-pool2 only
                // waits when it took the idle connection maintenance is checking. If that check fails the
                // connection is destroyed without waking this waiter (no capacity is reused on maintenance),
                // and only a new try sees the room it left.
                long waitMillis = Math.max(1, Math.min(BORROW_RETRY_MILLIS,
                        TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos())));
                try {
                    return pool.borrowObject(ep.endpoint, waitMillis);
                } catch (NoSuchElementException e) {
                    if (isUnusableNewConnection(e) || deadline.remainingNanos() <= 0) {
                        throw e;
                    }
                }
            }
        } catch (TetherException e) {
            releasePermits(ep);
            throw e;
        } catch (NoSuchElementException e) {
            releasePermits(ep);
            if (isUnusableNewConnection(e)) {
                // The connection made for this caller closed before it could be used: nothing was sent, and the
                // endpoint is treated as unreachable (else a peer that accepts and hangs up would be hammered).
                ConnectFailedException failure = new ConnectFailedException(ConnectFailedException.Reason.OTHER,
                        ep.endpoint, "the new connection closed before its first use", e);
                reachability.failed(ep, failure);
                throw failure;
            }
            throw exhausted(ep, start);
        } catch (IllegalStateException e) {
            releasePermits(ep);
            if (state.get() != State.OPEN) {
                throw new ClientClosedException(name);
            }
            throw e;
        } catch (InterruptedException e) {
            releasePermits(ep);
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(ep.endpoint, RequestState.NOT_SENT, e);
        } catch (ConnectionFactory.ErrorWhileConnecting e) {
            releasePermits(ep);
            throw e.error();
        } catch (Exception e) {
            releasePermits(ep);
            throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, ep.endpoint, e.toString(), e);
        } finally {
            ConnectionFactory.clearConnectDeadline();
        }
    }

    /**
     * commons-pool2 reports both a timeout and a freshly made object failing activation or validation as
     * {@link NoSuchElementException}; only the message tells them apart.
     */
    private static boolean isUnusableNewConnection(NoSuchElementException e) {
        String message = e.getMessage();
        return message != null && (message.startsWith("Unable to validate") || message.startsWith("Unable to activate"));
    }

    @SuppressWarnings("unchecked")
    private PooledConnection<Req, Resp> pollReady(EndpointPool ep, boolean mostRecent) {
        return (PooledConnection<Req, Resp>) (mostRecent ? ep.ready.pollFirst() : ep.ready.pollLast());
    }

    /** Destroys a connection taken from the ready list that failed its check; the caller keeps its permits. */
    private void discardHolding(PooledConnection<Req, Resp> pc) {
        try {
            invalidate(pc);
        } catch (Exception e) {
            LOG.debug("could not invalidate a stale connection to {}; closing it", pc.endpoint, e);
            factory.destroy(pc, DestroyReason.BROKEN);
        }
    }

    /** Destroys {@code pc} through commons-pool2 without connecting on this thread for anyone else. */
    private void invalidate(PooledConnection<Req, Resp> pc) throws Exception {
        ConnectionFactory.refuseConnects(true);
        try {
            pool.invalidateObject(pc.endpoint.endpoint, pc);
        } finally {
            ConnectionFactory.refuseConnects(false);
        }
    }

    /** Moves a ready connection back into commons-pool2's idle set and frees its permits. */
    private void handBack(EndpointPool ep, PooledConnection<Req, Resp> pc) {
        try {
            pool.returnObject(ep.endpoint, pc);
        } catch (RuntimeException e) {
            LOG.debug("could not return a connection to {} to the pool; closing it", ep, e);
            factory.destroy(pc, DestroyReason.BROKEN);
        }
        releasePermits(ep);
    }

    /**
     * Moves ready connections unused for {@code idleNanos} back to commons-pool2, so eviction and pings see them.
     * Least recently returned first: commons-pool2 puts each returned connection at the front (lifo) or the back,
     * so this keeps the reuse order {@link PoolSettings#lifo()} promises.
     */
    void flushReady(long idleNanos) {
        long now = System.nanoTime();
        for (EndpointPool ep : pools) {
            // lifo: the ready list's head is the most recently returned; fifo: its head is the least recently returned.
            java.util.Iterator<PooledConnection<?, ?>> oldestFirst = lifo ? ep.ready.descendingIterator() : ep.ready.iterator();
            while (oldestFirst.hasNext()) {
                PooledConnection<?, ?> any = oldestFirst.next();
                @SuppressWarnings("unchecked")
                PooledConnection<Req, Resp> pc = (PooledConnection<Req, Resp>) any;
                if (now - pc.lastUsedNanos >= idleNanos && ep.ready.removeFirstOccurrence(pc)) {
                    handBack(ep, pc);
                }
            }
        }
    }

    private static boolean tryAcquire(Semaphore s, long nanos, EndpointPool ep) throws CallInterruptedException {
        if (nanos <= 0) {
            return false;
        }
        try {
            return s.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterruptedException(ep.endpoint, RequestState.NOT_SENT, e);
        }
    }

    private PoolExhaustedException exhausted(EndpointPool ep, long start) {
        int ready = ep.ready.size();
        int active = Math.max(0, pool.getNumActive(ep.endpoint) - ready);
        int idle = pool.getNumIdle(ep.endpoint) + ready;
        return new PoolExhaustedException(ep.endpoint, Duration.ofNanos(System.nanoTime() - start),
                config.pool().maxPerEndpoint(), active, idle, ep.permits.getQueueLength());
    }

    private void releasePermits(EndpointPool ep) {
        totalPermits.release();
        ep.permits.release();
    }

    /**
     * Gives a connection back: to the idle pool when it is clean, otherwise destroyed. A connection with unread
     * bytes, a broken flag or a recorded failure is never reused.
     */
    void release(PooledConnection<Req, Resp> pc, DestroyReason discard) {
        EndpointPool ep = pc.endpoint;
        boolean clean = discard == null && pc.connection.isOpen() && !pc.connection.isBroken()
                && !pc.framed.hasBufferedInput();
        if (clean && state.get() == State.OPEN) {
            pc.lastUsedNanos = System.nanoTime();
            pc.lastAliveNanos = pc.lastUsedNanos;
            if (lifo) {
                ep.ready.offerFirst(pc);
            } else {
                ep.ready.offerLast(pc);
            }
            if (ep.waiters.get() > 0 || totalWaiters.get() > 0) {
                PooledConnection<Req, Resp> oldest = pollReady(ep, false);
                if (oldest != null) {
                    handBack(ep, oldest);
                }
            }
            return;
        }
        try {
            if (clean) {
                pc.lastUsedNanos = System.nanoTime();
                pool.returnObject(ep.endpoint, pc);
            } else {
                pc.retire(discard != null ? discard : DestroyReason.BROKEN);
                invalidate(pc);
            }
        } catch (Exception e) {
            // The pool refused the connection back (closing, or already destroyed): make sure it is closed.
            LOG.debug("could not hand a connection to {} back to the pool; closing it", ep, e);
            factory.destroy(pc, DestroyReason.BROKEN);
        } finally {
            releasePermits(ep);
        }
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    private void enter() throws ClientClosedException {
        inFlight.incrementAndGet();
        if (state.get() != State.OPEN) {
            exit();
            throw new ClientClosedException(name);
        }
    }

    private void exit() {
        inFlight.decrementAndGet();
        if (state.get() != State.OPEN) {
            drainLock.lock();
            try {
                drained.signalAll();
            } finally {
                drainLock.unlock();
            }
        }
    }

    @Override
    public void close() {
        if (!state.compareAndSet(State.OPEN, State.CLOSING)) {
            return;
        }
        boolean quiet = awaitDrain(config.pool().drainTimeout().toNanos());
        flushReady(Long.MIN_VALUE);
        factory.shuttingDown();
        maintenance.stop();
        pool.close();
        if (!quiet) {
            int stillOut = 0;
            for (PooledConnection<Req, Resp> pc : factory.live()) {
                factory.destroy(pc, DestroyReason.SHUTDOWN);
                stillOut++;
            }
            LOG.warn("client {} closed with calls still in flight after the drain timeout of {}; closed {} connection(s) under them",
                    name, config.pool().drainTimeout(), stillOut);
        }
        if (ownedAsync != null) {
            ownedAsync.shutdown();
        }
        state.set(State.CLOSED);
        LOG.debug("client {} closed", name);
    }

    private boolean awaitDrain(long nanos) {
        long end = System.nanoTime() + nanos;
        drainLock.lock();
        try {
            while (inFlight.get() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            drainLock.unlock();
        }
    }

    // ---- views ---------------------------------------------------------------------------------------------

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public Map<Endpoint, EndpointStats> stats() {
        Map<Endpoint, EndpointStats> out = new LinkedHashMap<>();
        for (EndpointPool ep : pools) {
            int ready = ep.ready.size();
            out.put(ep.endpoint, new EndpointStats(ep.endpoint, Math.max(0, pool.getNumActive(ep.endpoint) - ready),
                    pool.getNumIdle(ep.endpoint) + ready, ep.permits.getQueueLength(), ep.inFlight.get(), ep.created.sum(),
                    ep.destroyedByReason(), ep.acquires.sum(), ep.reuses.sum(), ep.retries.sum(),
                    Duration.ofNanos(ep.acquireMicrosAt(50) * 1000), Duration.ofNanos(ep.acquireMicrosAt(99) * 1000),
                    Duration.ofNanos(ep.acquireMicrosMax() * 1000), ep.breakerState(),
                    Optional.ofNullable(ep.lastTlsSession)));
        }
        return out;
    }

    /** Retries the budget refused so far, for the metrics binder. */
    public long retriesThrottled() {
        return retryRules.throttled.sum();
    }

    /** The client's name, as given to the builder. */
    public String name() {
        return name;
    }

    /** Whether {@link #callAsync} runs on virtual threads. */
    public boolean asyncOnVirtualThreads() {
        return ownedAsync != null && ownedAsync.getClass().getName().contains("ThreadPerTask");
    }

    @Override
    public String toString() {
        return "TetherClient[" + name + ", " + endpoints + ", " + state.get() + "]";
    }
}
