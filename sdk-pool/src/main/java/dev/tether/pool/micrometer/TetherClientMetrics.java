package dev.tether.pool.micrometer;

import dev.tether.core.Endpoint;
import dev.tether.pool.BreakerState;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Publishes a {@link TetherClient}'s per-endpoint pool statistics to Micrometer. Micrometer is an optional
 * dependency of Tether: only this class refers to it, so applications without Micrometer never load it.
 *
 * <pre>{@code
 * new TetherClientMetrics(client, "orders").bindTo(registry);
 * }</pre>
 *
 * <p>Meters, each tagged {@code client} and {@code endpoint}: gauges {@code tether.pool.active},
 * {@code tether.pool.idle}, {@code tether.pool.waiting}, {@code tether.pool.in_flight},
 * {@code tether.pool.breaker.open} (1 when open or half open), {@code tether.pool.acquire.wait.p99} (seconds),
 * {@code tether.pool.pipeline.shared} (connections shared by pipelined calls) and
 * {@code tether.pool.pipeline.in_flight} (requests in flight on them); counters {@code tether.pool.created},
 * {@code tether.pool.destroyed} (tagged {@code reason}), {@code tether.pool.acquires}, {@code tether.pool.reuses},
 * {@code tether.pool.retries}, {@code tether.pool.pipeline.writes} (writes on shared connections) and
 * {@code tether.pool.pipeline.requests} (requests those writes carried: the ratio of their rates is the requests
 * per write). The pipeline meters are registered whatever the settings and read 0 while
 * {@code PoolSettings#pipelineDepth()} is 1 (the default), so dashboards need not know whether a client pipelines.
 *
 * <p>Meters are registered for the endpoints the client has when {@link #bindTo} runs; binding again registers
 * those added since (existing meters are kept). A client whose endpoint set changes (an {@code EndpointSource},
 * {@code updateEndpoints}) should bind again from a {@code TetherClientListener#endpointsChanged} listener and
 * remove the meters tagged with a removed endpoint; the Spring Boot starter does both.
 */
public final class TetherClientMetrics implements MeterBinder {
    private final TetherClient<?, ?> client;
    private final String clientName;

    public TetherClientMetrics(TetherClient<?, ?> client, String clientName) {
        this.client = Objects.requireNonNull(client, "client");
        this.clientName = Objects.requireNonNull(clientName, "clientName");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Endpoint endpoint : client.endpoints()) {
            Tags tags = Tags.of("client", clientName, "endpoint", endpoint.toString());
            gauge(registry, "tether.pool.active", "connections lent out", tags, endpoint, EndpointStats::active);
            gauge(registry, "tether.pool.idle", "connections idle in the pool", tags, endpoint, EndpointStats::idle);
            gauge(registry, "tether.pool.waiting", "callers waiting for a connection", tags, endpoint, EndpointStats::waiting);
            gauge(registry, "tether.pool.in_flight", "calls and leases in progress", tags, endpoint, EndpointStats::inFlight);
            gauge(registry, "tether.pool.breaker.open", "1 while the circuit breaker is open or half open", tags, endpoint,
                    s -> s.breakerState() == BreakerState.OPEN || s.breakerState() == BreakerState.HALF_OPEN ? 1 : 0);
            gauge(registry, "tether.pool.acquire.wait.p99", "99th percentile time to get a connection, seconds", tags,
                    endpoint, s -> s.acquireWaitP99().toNanos() / 1e9);
            counter(registry, "tether.pool.created", "connections opened", tags, endpoint, EndpointStats::created);
            counter(registry, "tether.pool.acquires", "connections handed out", tags, endpoint, EndpointStats::acquires);
            counter(registry, "tether.pool.reuses", "acquires that reused a connection", tags, endpoint, EndpointStats::reuses);
            counter(registry, "tether.pool.retries", "failed attempts that were retried", tags, endpoint, EndpointStats::retries);
            gauge(registry, "tether.pool.pipeline.shared", "connections shared by pipelined calls", tags, endpoint,
                    EndpointStats::sharedConnections);
            gauge(registry, "tether.pool.pipeline.in_flight", "requests in flight on shared connections", tags, endpoint,
                    EndpointStats::pipelinedInFlight);
            counter(registry, "tether.pool.pipeline.writes", "writes on shared connections", tags, endpoint,
                    EndpointStats::pipelineWrites);
            counter(registry, "tether.pool.pipeline.requests", "requests carried by writes on shared connections", tags,
                    endpoint, EndpointStats::pipelinedRequests);
            for (DestroyReason reason : DestroyReason.values()) {
                counter(registry, "tether.pool.destroyed", "connections closed", tags.and("reason", reason.name().toLowerCase(java.util.Locale.ROOT)),
                        endpoint, s -> s.destroyed(reason));
            }
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags tags, Endpoint endpoint,
                       ToDoubleFunction<EndpointStats> value) {
        Gauge.builder(name, client, c -> read(c, endpoint, value)).description(description).tags(tags).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, Tags tags, Endpoint endpoint,
                         ToDoubleFunction<EndpointStats> value) {
        FunctionCounter.builder(name, client, c -> read(c, endpoint, value)).description(description).tags(tags)
                .register(registry);
    }

    private static double read(TetherClient<?, ?> client, Endpoint endpoint, ToDoubleFunction<EndpointStats> value) {
        EndpointStats stats = client.stats().get(endpoint);
        return stats == null ? Double.NaN : value.applyAsDouble(stats);
    }
}
