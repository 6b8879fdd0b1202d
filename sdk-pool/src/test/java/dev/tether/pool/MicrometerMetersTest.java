package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.micrometer.TetherClientMetrics;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.PipelineServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every meter {@link TetherClientMetrics}' Javadoc lists is published, tagged {@code client} and
 * {@code endpoint}, and reads the statistic it names: the eight gauges, the six counters and
 * {@code tether.pool.destroyed} for every reason, the pipeline ones for a pipelining client too.
 */
class MicrometerMetersTest {
    private static final List<String> GAUGES = List.of("tether.pool.active", "tether.pool.idle", "tether.pool.waiting",
            "tether.pool.in_flight", "tether.pool.breaker.open", "tether.pool.acquire.wait.p99",
            "tether.pool.pipeline.shared", "tether.pool.pipeline.in_flight");
    private static final List<String> COUNTERS = List.of("tether.pool.created", "tether.pool.acquires",
            "tether.pool.reuses", "tether.pool.retries", "tether.pool.pipeline.writes", "tether.pool.pipeline.requests");

    @Test
    void aRealClientsActivityShowsInEveryMeter() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     // One connection, so a second caller waits and the waiting gauge has something to show; the
                     // longer acquire timeout only keeps that caller from giving up on a loaded machine.
                     .pool(PoolSettings.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(60)).build())
                     .build()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new TetherClientMetrics(client, "orders").bindTo(registry);
            String endpoint = server.endpoint().toString();
            for (String name : GAUGES) {
                assertThat(registry.find(name).tags("client", "orders", "endpoint", endpoint).gauge()).as(name).isNotNull();
            }
            for (String name : COUNTERS) {
                assertThat(registry.find(name).tags("client", "orders", "endpoint", endpoint).functionCounter()).as(name)
                        .isNotNull();
            }
            for (DestroyReason reason : DestroyReason.values()) {
                assertThat(destroyed(registry, endpoint, reason)).as(reason.name()).isNotNull();
            }

            // A request the server drops, retried (idempotent): a retry and a connection destroyed as broken.
            server.nextFaults(FaultyServer.Fault.DROP);
            assertThat(client.call("echo retried", Clients.idempotent(Duration.ofSeconds(10)))).isEqualTo("retried");
            client.call("echo reused");

            Lease<String, String> held = client.lease();
            CompletableFuture<String> waiting = client.callAsync("echo waiting", CallOptions.timeout(Duration.ofSeconds(60)));
            // Thread synchronisation, not time: the async caller has queued.
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(registry, "tether.pool.waiting", endpoint) == 1.0);
            assertThat(gauge(registry, "tether.pool.active", endpoint)).isEqualTo(1.0);
            assertThat(gauge(registry, "tether.pool.idle", endpoint)).isZero();
            // The lease, and the call waiting for its connection.
            assertThat(gauge(registry, "tether.pool.in_flight", endpoint)).isEqualTo(2.0);
            held.close();
            assertThat(waiting.get()).isEqualTo("waiting");

            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(counter(registry, "tether.pool.created", endpoint)).isEqualTo(s.created()).isEqualTo(2.0);
            assertThat(counter(registry, "tether.pool.acquires", endpoint)).isEqualTo(s.acquires()).isEqualTo(5.0);
            assertThat(counter(registry, "tether.pool.reuses", endpoint)).isEqualTo(s.reuses()).isEqualTo(3.0);
            assertThat(counter(registry, "tether.pool.retries", endpoint)).isEqualTo(s.retries()).isEqualTo(1.0);
            assertThat(destroyed(registry, endpoint, DestroyReason.BROKEN).count()).isEqualTo(1.0);
            assertThat(destroyed(registry, endpoint, DestroyReason.IDLE).count()).isZero();
            assertThat(gauge(registry, "tether.pool.waiting", endpoint)).isZero();
            assertThat(gauge(registry, "tether.pool.active", endpoint)).isZero();
            assertThat(gauge(registry, "tether.pool.idle", endpoint)).isEqualTo(1.0);
            assertThat(gauge(registry, "tether.pool.in_flight", endpoint)).isZero();
            assertThat(gauge(registry, "tether.pool.breaker.open", endpoint)).isZero();
            assertThat(gauge(registry, "tether.pool.acquire.wait.p99", endpoint))
                    .isEqualTo(client.stats().get(server.endpoint()).acquireWaitP99().toNanos() / 1e9).isPositive();
            // No pipelining (the default): the pipeline meters are there and read 0.
            assertThat(gauge(registry, "tether.pool.pipeline.shared", endpoint)).isZero();
            assertThat(gauge(registry, "tether.pool.pipeline.in_flight", endpoint)).isZero();
            assertThat(counter(registry, "tether.pool.pipeline.writes", endpoint)).isZero();
            assertThat(counter(registry, "tether.pool.pipeline.requests", endpoint)).isZero();
        }
    }

    @Test
    void pipelinedCallsShowInThePipelineMeters() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (PipelineServer server = PipelineServer.start();
             // Pipelining is opt-in, and it is what this test is about; everything else is the default.
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create()).endpoint(server.endpoint())
                     .pool(PoolSettings.builder().pipelineDepth(8).build()).build()) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new TetherClientMetrics(client, "orders").bindTo(registry);
            String endpoint = server.endpoint().toString();
            assertThat(gauge(registry, "tether.pool.pipeline.shared", endpoint)).isZero();
            assertThat(counter(registry, "tether.pool.pipeline.writes", endpoint)).isZero();

            // The server holds the first request until the test opens its gate; the other two queue behind it on
            // the same connection (a call joins a shared connection with room before a new one is opened).
            List<Future<String>> calls = new ArrayList<>();
            calls.add(callers.submit(() -> client.call("wait g1", CallOptions.timeout(Duration.ofSeconds(60)))));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(registry, "tether.pool.pipeline.in_flight", endpoint) == 1.0);
            calls.add(callers.submit(() -> client.call("tag two x", CallOptions.timeout(Duration.ofSeconds(60)))));
            calls.add(callers.submit(() -> client.call("tag three xy", CallOptions.timeout(Duration.ofSeconds(60)))));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(registry, "tether.pool.pipeline.in_flight", endpoint) == 3.0);
            assertThat(gauge(registry, "tether.pool.pipeline.shared", endpoint)).isEqualTo(1.0);
            assertThat(gauge(registry, "tether.pool.active", endpoint)).isEqualTo(1.0);
            // Counted as written; the third may still be on its way to the socket.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> counter(registry, "tether.pool.pipeline.requests", endpoint) == 3.0);

            server.open("g1");
            assertThat(calls.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            assertThat(calls.get(1).get(30, TimeUnit.SECONDS)).isEqualTo("two 1");
            assertThat(calls.get(2).get(30, TimeUnit.SECONDS)).isEqualTo("three 2");
            // The connection goes back to the pool once its last reply is read, just before that caller returns.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(registry, "tether.pool.pipeline.shared", endpoint) == 0.0);
            assertThat(gauge(registry, "tether.pool.pipeline.in_flight", endpoint)).isZero();
            assertThat(server.accepted()).isEqualTo(1);

            EndpointStats s = client.stats().get(server.endpoint());
            double writes = counter(registry, "tether.pool.pipeline.writes", endpoint);
            double requests = counter(registry, "tether.pool.pipeline.requests", endpoint);
            assertThat(writes).isEqualTo(s.pipelineWrites()).isBetween(1.0, 3.0);
            assertThat(requests).isEqualTo(s.pipelinedRequests()).isEqualTo(3.0).isGreaterThanOrEqualTo(writes);
            assertThat(requests / writes).isEqualTo(s.pipelineBatchAverage());
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Each meter reads its own field: a client whose statistics are set by the test, every field a different
     * value. A stand-in client, because a real one cannot be put into every breaker state or any chosen counts on
     * demand; the binder only ever reads {@link TetherClient#endpoints()} and {@link TetherClient#stats()}.
     */
    @Test
    void eachMeterReadsItsOwnStatistic() {
        Endpoint endpoint = Endpoint.of("10.0.0.5", 7000);
        StatsOnlyClient client = new StatsOnlyClient(endpoint);
        MeterRegistry registry = new SimpleMeterRegistry();
        new TetherClientMetrics(client, "orders").bindTo(registry);
        String tag = endpoint.toString();

        Map<DestroyReason, Long> destroyed = new EnumMap<>(DestroyReason.class);
        long n = 100;
        for (DestroyReason r : DestroyReason.values()) {
            destroyed.put(r, n++);
        }
        client.stats = new EndpointStats(endpoint, 3, 5, 7, 11, 13, destroyed, 17, 19, 23, Duration.ofMillis(29),
                Duration.ofMillis(1500), Duration.ofSeconds(2), BreakerState.CLOSED, Optional.empty(), 31, 37, 41, 43);
        assertThat(gauge(registry, "tether.pool.active", tag)).isEqualTo(3.0);
        assertThat(gauge(registry, "tether.pool.idle", tag)).isEqualTo(5.0);
        assertThat(gauge(registry, "tether.pool.waiting", tag)).isEqualTo(7.0);
        assertThat(gauge(registry, "tether.pool.in_flight", tag)).isEqualTo(11.0);
        assertThat(counter(registry, "tether.pool.created", tag)).isEqualTo(13.0);
        assertThat(counter(registry, "tether.pool.acquires", tag)).isEqualTo(17.0);
        assertThat(counter(registry, "tether.pool.reuses", tag)).isEqualTo(19.0);
        assertThat(counter(registry, "tether.pool.retries", tag)).isEqualTo(23.0);
        assertThat(gauge(registry, "tether.pool.acquire.wait.p99", tag)).isEqualTo(1.5);
        assertThat(gauge(registry, "tether.pool.pipeline.shared", tag)).isEqualTo(31.0);
        assertThat(gauge(registry, "tether.pool.pipeline.in_flight", tag)).isEqualTo(37.0);
        assertThat(counter(registry, "tether.pool.pipeline.writes", tag)).isEqualTo(41.0);
        assertThat(counter(registry, "tether.pool.pipeline.requests", tag)).isEqualTo(43.0);
        for (DestroyReason r : DestroyReason.values()) {
            assertThat(destroyed(registry, tag, r).count()).as(r.name()).isEqualTo((double) destroyed.get(r));
        }

        Map<BreakerState, Double> open = new LinkedHashMap<>();
        for (BreakerState state : BreakerState.values()) {
            client.stats = new EndpointStats(endpoint, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, Duration.ZERO, Duration.ZERO,
                    Duration.ZERO, state);
            open.put(state, gauge(registry, "tether.pool.breaker.open", tag));
        }
        // "1 when open or half open".
        assertThat(open).containsEntry(BreakerState.OPEN, 1.0).containsEntry(BreakerState.HALF_OPEN, 1.0)
                .containsEntry(BreakerState.CLOSED, 0.0).containsEntry(BreakerState.DISABLED, 0.0);
    }

    private static double gauge(MeterRegistry registry, String name, String endpoint) {
        Gauge g = registry.get(name).tags("client", "orders", "endpoint", endpoint).gauge();
        return g.value();
    }

    private static double counter(MeterRegistry registry, String name, String endpoint) {
        return registry.get(name).tags("client", "orders", "endpoint", endpoint).functionCounter().count();
    }

    private static FunctionCounter destroyed(MeterRegistry registry, String endpoint, DestroyReason reason) {
        return registry.find("tether.pool.destroyed").tags("client", "orders", "endpoint", endpoint, "reason",
                reason.name().toLowerCase(Locale.ROOT)).functionCounter();
    }

    /** Serves only what the binder reads; everything else is unsupported. */
    private static final class StatsOnlyClient implements TetherClient<String, String> {
        private final Endpoint endpoint;
        volatile EndpointStats stats;

        StatsOnlyClient(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public List<Endpoint> endpoints() {
            return List.of(endpoint);
        }

        @Override
        public Map<Endpoint, EndpointStats> stats() {
            return Map.of(endpoint, stats);
        }

        @Override
        public void updateEndpoints(java.util.Collection<Endpoint> endpoints) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<dev.tether.pool.EndpointSourceStatus> endpointSourceStatus() {
            return java.util.Optional.empty();
        }

        @Override
        public String call(String request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String call(String request, CallOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<String> callAsync(String request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<String> callAsync(String request, CallOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Lease<String, String> lease() throws TetherException {
            throw new UnsupportedOperationException();
        }

        @Override
        public Lease<String, String> lease(CallOptions options) throws TetherException {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
