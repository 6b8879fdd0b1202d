package dev.tether.pool.internal;

import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.KeepAlivePing;
import dev.tether.pool.CallOptions;
import dev.tether.pool.CallRejectedException;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.ClientClosedException;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.Lease;
import dev.tether.pool.LoadBalancing;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.ReconnectSettings;
import dev.tether.pool.RetrySettings;
import dev.tether.pool.TetherClientListener;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooled client's engine, wired from its parts: {@link Balancer} and {@link Reachability} choose an
 * endpoint, {@link ConnectionPool} lends connections ({@link Capacity} counting room, {@link Connections} making
 * and checking them), {@link CallLoop} runs each call with its retries, {@link Maintenance} keeps idle
 * connections healthy, and {@link Lifecycle} drains on close. The public {@code TetherClient} delegates here.
 * See sdk-pool/DESIGN.md.
 */
public final class ClientCore<Req, Resp> implements LeaseImpl.Owner<Req, Resp> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);

    /** Everything the builder gathered, already validated; {@code time} null for the system clock. */
    public record Config<Req, Resp>(String name, List<Endpoint> endpoints, Codec<Req, Resp> codec, Connector connector,
                                    TransportOptions transport, PoolSettings pool, RetrySettings retry,
                                    CircuitBreakerSettings breaker, ReconnectSettings reconnect,
                                    LoadBalancing loadBalancing,
                                    CallOptions defaultCallOptions, KeepAlivePing<Req, Resp> ping,
                                    List<TetherClientListener> listeners, Executor asyncExecutor, TimeSource time,
                                    dev.tether.pool.EndpointSource endpointSource) {
    }

    private final Config<Req, Resp> config;
    private final String name;
    private final TimeSource time;
    private final EndpointSet set;
    private final Listeners listeners;
    private final Backoff reconnectBackoff;
    private final Reachability reachability;
    private final EndpointRefresher refresher;
    private final Capacity capacity;
    private final Connections<Req, Resp> connections;
    private final ConnectionPool<Req, Resp> pool;
    private final CallLoop<Req, Resp> calls;
    /** Null unless calls may share connections (see {@link Pipelines}). */
    private final Pipelines<Req, Resp> pipelines;
    private final Maintenance<Req, Resp> maintenance;
    private final LeakDetector leaks;
    private final Lifecycle lifecycle;
    private final Executor async;
    private final ExecutorService ownedAsync;

    public ClientCore(Config<Req, Resp> config) {
        this.config = config;
        this.name = config.name();
        this.time = config.time() != null ? config.time() : new SystemTime(name + "-pool-maintenance");
        this.listeners = new Listeners(config.listeners());
        PoolSettings ps = config.pool();
        ReconnectSettings rs = config.reconnect();
        this.reconnectBackoff = new Backoff(rs.initialBackoff(), rs.multiplier(), rs.jitter(), rs.maxBackoff(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.lifecycle = new Lifecycle(name, time);
        if (config.asyncExecutor() != null) {
            this.async = config.asyncExecutor();
            this.ownedAsync = null;
        } else {
            this.ownedAsync = AsyncExecutors.create(name + "-call", Math.max(2, ps.maxTotal()));
            this.async = ownedAsync;
        }
        List<Endpoint> endpoints = config.endpoints();
        if (config.endpointSource() != null) {
            this.refresher = new EndpointRefresher(name, config.endpointSource(), time, async, listeners,
                    this::applyEndpoints);
            endpoints = refresher.first();
        } else {
            this.refresher = null;
        }
        List<EndpointPool> initial = new java.util.ArrayList<>();
        for (Endpoint e : endpoints) {
            initial.add(newEndpointPool(e));
        }
        this.set = new EndpointSet(initial);
        Balancer balancer = new Balancer(set, config.loadBalancing(), config.breaker().panicThreshold(), time);
        this.reachability = new Reachability(name, set, balancer, listeners, time);
        if (refresher != null) {
            reachability.noEndpointsBy(refresher::noEndpoints);
        }
        this.capacity = new Capacity(ps.maxPerEndpoint(), ps.maxTotal());
        this.connections = new Connections<>(config.connector(), config.codec(), config.ping(), time,
                config.transport().connectTimeout(), ps, listeners, reachability, capacity);
        this.pool = new ConnectionPool<>(name, set, connections, capacity, time, ps.lifo(), ps.acquireTimeout(),
                ps.maxPerEndpoint());
        this.calls = new CallLoop<>(name, config.codec(), set, reachability, pool,
                new RetryRules(config.retry(), listeners, time), time, balancer.tracksLatency());
        this.pipelines = ps.pipelineDepth() > 1 && config.codec().repliesInOrder()
                ? new Pipelines<>(pool, time, ps.pipelineDepth(), ps.pipelineMaxQueuedBytes(), ps.acquireTimeout(),
                        ps.maxPerEndpoint())
                : null;
        calls.pipelines = pipelines;
        this.maintenance = new Maintenance<>(ps, set, pool, connections, capacity, time, async,
                reachability::endpointsChanged, new OutlierDetector(name, config.breaker()));
        reachability.probesBy(maintenance::scheduleProbe);
        this.leaks = new LeakDetector(ps.leakDetectionThreshold(), time, listeners);
        maintenance.start();
        if (refresher != null) {
            refresher.start();
        }
        LOG.debug("client {} started for {} with {}", name,
                refresher != null ? config.endpointSource().description() + " " + endpoints : endpoints, ps);
    }

    private EndpointPool newEndpointPool(Endpoint endpoint) {
        return new EndpointPool(endpoint, config.breaker(), name, listeners, time, reconnectBackoff);
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    public Resp call(Req request, CallOptions options) throws TetherException {
        Objects.requireNonNull(request, "request");
        long start = time.nanoTime();
        CallState st = new CallState(options.deadlineFrom(time.deadlineClock(), start), options.isIdempotent(), options.isWaitForReady());
        st.shared = pipelines != null && !options.isExclusive();
        int stripe = lifecycle.enter();
        try {
            return calls.run(st, start, (pc, s, t) -> calls.exchange(pc, request, s));
        } finally {
            lifecycle.exit(stripe);
        }
    }

    public CompletableFuture<Resp> callAsync(Req request, CallOptions options) {
        Objects.requireNonNull(request, "request");
        // The deadline runs from now, not from when the executor gets to the call.
        Deadline deadline = options.deadlineFrom(time.deadlineClock(), time.nanoTime());
        CompletableFuture<Resp> future = new CompletableFuture<>();
        int stripe;
        try {
            stripe = lifecycle.enter();
        } catch (ClientClosedException e) {
            future.completeExceptionally(e);
            return future;
        }
        try {
            async.execute(() -> {
                Resp result = null;
                Throwable failure = null;
                try {
                    CallState st = new CallState(deadline, options.isIdempotent(), options.isWaitForReady());
                    st.shared = pipelines != null && !options.isExclusive();
                    result = calls.run(st, time.nanoTime(), (pc, s, t) -> calls.exchange(pc, request, s));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    // Before completing: whoever waits on the future then finds the call no longer in progress.
                    lifecycle.exit(stripe);
                }
                if (failure != null) {
                    future.completeExceptionally(failure);
                } else {
                    future.complete(result);
                }
            });
        } catch (RejectedExecutionException e) {
            lifecycle.exit(stripe);
            future.completeExceptionally(new CallRejectedException(name, e));
        }
        return future;
    }

    // ---- leases --------------------------------------------------------------------------------------------

    public Lease<Req, Resp> lease(CallOptions options) throws TetherException {
        long start = time.nanoTime();
        CallState st = new CallState(options.deadlineFrom(time.deadlineClock(), start), options.isIdempotent(), options.isWaitForReady());
        int stripe = lifecycle.enter();
        boolean handedOut = false;
        try {
            Lease<Req, Resp> lease = calls.run(st, start, (pc, s, t) -> openLease(pc, s, stripe));
            handedOut = true;
            return lease;
        } finally {
            if (!handedOut) {
                lifecycle.exit(stripe);
            }
        }
    }

    /**
     * Wraps a connection the loop took in a lease. A lease taken counts as a success for the breaker, as a failed
     * one counts as a failure: a half-open breaker is then closed by leases too.
     */
    private Lease<Req, Resp> openLease(PooledConnection<Req, Resp> pc, CallState st, int stripe) {
        if (st.permitted) {
            // Zero: however long the caller waited for a connection, taking one is not a slow call.
            pc.endpoint.recordSuccess(0);
        }
        return new LeaseImpl<>(this, pc, leaks.track(pc.endpoint.endpoint), config.defaultCallOptions().timeout(),
                stripe);
    }

    /** Called once by a closing lease, with the stripe its call was admitted on. */
    @Override
    public void leaseClosed(PooledConnection<Req, Resp> pc, DestroyReason discard, int stripe) {
        // Read while the lease owns the connection: once given back, another caller may own it.
        boolean counted = pc.countedInFlight;
        try {
            pool.release(pc, discard);
        } finally {
            if (counted) {
                pc.endpoint.inFlight.decrement();
            }
            lifecycle.exit(stripe);
        }
    }

    @Override
    public Resp checked(Resp response) throws TetherException {
        return calls.checked(response);
    }

    @Override
    public Deadline deadlineAfter(Duration timeout) {
        return Deadline.after(timeout, time.deadlineClock());
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        if (refresher != null) {
            refresher.stop();
        }
        boolean quiet = lifecycle.drain(config.pool().drainTimeout().toNanos());
        maintenance.stop();
        pool.close();
        if (time instanceof SystemTime system) {
            // Interrupts a keep-alive ping in progress (which closes that connection).
            system.shutdown(config.pool().keepAliveTimeout().toMillis() + 1000);
        }
        if (!quiet) {
            int stillOut = pool.closeAll();
            LOG.warn("client {} closed with calls still in flight after the drain timeout of {}; closed {} connection(s) under them",
                    name, config.pool().drainTimeout(), stillOut);
        }
        capacity.close();
        if (ownedAsync != null) {
            ownedAsync.shutdown();
        }
        lifecycle.closed();
        LOG.debug("client {} closed", name);
    }

    /** Background endpoint-source refreshes finished so far (each with the next one scheduled): for tests. */
    public long completedEndpointRefreshes() {
        return refresher == null ? 0 : refresher.completedRefreshes();
    }

    /** Runs one maintenance pass now, on the calling thread: for tests that move the clock by hand. */
    public void runMaintenance() {
        maintenance.runOnce();
    }

    // ---- views ---------------------------------------------------------------------------------------------

    public List<Endpoint> endpoints() {
        return set.view().endpoints();
    }

    /** Replaces the endpoint set (see {@code TetherClient#updateEndpoints}). */
    public void updateEndpoints(java.util.Collection<Endpoint> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("the endpoint set must not be empty");
        }
        for (Endpoint e : endpoints) {
            Objects.requireNonNull(e, "an endpoint in " + endpoints + " is null");
        }
        if (!lifecycle.isAcceptingCalls()) {
            throw new IllegalStateException("client " + name + " is closed");
        }
        applyEndpoints(List.copyOf(endpoints));
    }

    /** Makes {@code endpoints} the set: added ones warm, removed ones drain (see {@link EndpointSet}). */
    private void applyEndpoints(List<Endpoint> endpoints) {
        if (set == null) {
            return; // the source's first answer, taken by the constructor
        }
        PoolSettings ps = config.pool();
        EndpointSet.Change change = set.update(endpoints, this::newEndpointPool, ps.minIdlePerEndpoint() > 0,
                time.nanoTime());
        if (change.isEmpty()) {
            return;
        }
        for (EndpointPool removed : change.removed()) {
            pool.closeIdle(removed, DestroyReason.ENDPOINT_REMOVED);
        }
        for (EndpointPool added : change.added()) {
            maintenance.warmNow(added);
        }
        List<Endpoint> added = change.added().stream().map(p -> p.endpoint).toList();
        List<Endpoint> removed = change.removed().stream().map(p -> p.endpoint).toList();
        LOG.info("client {}: endpoints now {} (added {}, removed {}{})", name, set.view().endpoints(), added,
                removed, removed.isEmpty() ? "" : ", draining within " + ps.drainTimeout());
        int candidates = set.view().candidates.length;
        if ((long) ps.minIdlePerEndpoint() * candidates > ps.maxTotal()) {
            LOG.warn("client {}: minIdlePerEndpoint {} for {} endpoints needs more than maxTotal {}; endpoints will "
                    + "keep fewer idle connections", name, ps.minIdlePerEndpoint(), candidates, ps.maxTotal());
        }
        listeners.endpointsChanged(added, removed);
        reachability.endpointsChanged();
    }

    public Optional<dev.tether.pool.EndpointSourceStatus> endpointSourceStatus() {
        return refresher == null ? Optional.empty() : Optional.of(refresher.status(set.view().endpoints()));
    }

    public Map<Endpoint, EndpointStats> stats() {
        Map<Endpoint, EndpointStats> out = new LinkedHashMap<>();
        EndpointSet.View view = set.view();
        for (EndpointPool ep : view.all) {
            int idle = ep.idleCount();
            long[] shared = pipelines == null ? new long[5] : pipelines.figures(ep);
            // Waiting: for a connection of the pool, or (pipelining) for room on a shared one.
            out.put(ep.endpoint, new EndpointStats(ep.endpoint, Math.max(0, ep.live.size() - idle), idle,
                    ep.waiters.size() + (int) shared[4], inFlightOf(ep, view),
                    ep.created.sum(), ep.destroyedByReason(), ep.acquires.sum(),
                    ep.reuses(), ep.retries.sum(), Duration.ofNanos(ep.acquireMicrosAt(50) * 1000),
                    Duration.ofNanos(ep.acquireMicrosAt(99) * 1000), Duration.ofNanos(ep.acquireMicrosMax() * 1000),
                    ep.breakerState(), Optional.ofNullable(ep.lastTlsSession), (int) shared[0], (int) shared[1],
                    shared[2], shared[3]));
        }
        return out;
    }

    /**
     * Calls in flight on {@code ep}. With one endpoint taking calls they are not counted per endpoint (see
     * {@link EndpointSet.View#countsInFlight}): the client's own count of calls is that endpoint's.
     */
    private int inFlightOf(EndpointPool ep, EndpointSet.View view) {
        return view.countsInFlight || view.candidates.length == 0 || view.candidates[0] != ep
                ? ep.inFlight.get() : lifecycle.inProgressCount();
    }

    /** Retries the budget refused so far, for the metrics binder. */
    public long retriesThrottled() {
        return calls.retriesThrottled();
    }

    public String name() {
        return name;
    }

    /** Whether {@link #callAsync} runs on virtual threads. */
    public boolean asyncOnVirtualThreads() {
        return ownedAsync != null && ownedAsync.getClass().getName().contains("ThreadPerTask");
    }

    @Override
    public String toString() {
        return "TetherClient[" + name + ", " + set.view().endpoints() + ", " + lifecycle + "]";
    }
}
