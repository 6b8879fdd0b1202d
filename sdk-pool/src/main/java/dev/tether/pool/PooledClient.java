package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.pool.internal.ClientCore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link TetherClient} the builder returns: the public face of the pool engine ({@link ClientCore}), which
 * does not know this interface, so the engine and the API do not depend on each other in a circle.
 */
final class PooledClient<Req, Resp> implements TetherClient<Req, Resp> {
    private final ClientCore<Req, Resp> core;
    private final CallOptions defaults;

    PooledClient(ClientCore<Req, Resp> core, CallOptions defaults) {
        this.core = core;
        this.defaults = defaults;
    }

    /** The engine, for tests in this package that drive maintenance or read engine-only figures. */
    ClientCore<Req, Resp> core() {
        return core;
    }

    @Override
    public Resp call(Req request) throws TetherException {
        return core.call(request, defaults);
    }

    @Override
    public Resp call(Req request, CallOptions options) throws TetherException {
        return core.call(request, options);
    }

    @Override
    public CompletableFuture<Resp> callAsync(Req request) {
        return core.callAsync(request, defaults);
    }

    @Override
    public CompletableFuture<Resp> callAsync(Req request, CallOptions options) {
        return core.callAsync(request, options);
    }

    @Override
    public Lease<Req, Resp> lease() throws TetherException {
        return core.lease(defaults);
    }

    @Override
    public Lease<Req, Resp> lease(CallOptions options) throws TetherException {
        return core.lease(options);
    }

    @Override
    public List<Endpoint> endpoints() {
        return core.endpoints();
    }

    @Override
    public void updateEndpoints(java.util.Collection<Endpoint> endpoints) {
        core.updateEndpoints(endpoints);
    }

    @Override
    public java.util.Optional<EndpointSourceStatus> endpointSourceStatus() {
        return core.endpointSourceStatus();
    }

    @Override
    public Map<Endpoint, EndpointStats> stats() {
        return core.stats();
    }

    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
