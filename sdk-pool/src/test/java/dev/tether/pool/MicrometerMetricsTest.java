package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.micrometer.TetherClientMetrics;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The optional Micrometer binder publishes each endpoint's pool statistics. */
class MicrometerMetricsTest {

    @Test
    void poolStatisticsAppearAsMeters() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new TetherClientMetrics(client, "orders").bindTo(registry);
            for (int i = 0; i < 5; i++) {
                client.call("echo " + i);
            }
            String endpoint = server.endpoint().toString();
            assertThat(registry.get("tether.pool.created").tag("client", "orders").tag("endpoint", endpoint)
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get("tether.pool.acquires").functionCounter().count()).isEqualTo(5.0);
            assertThat(registry.get("tether.pool.idle").gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("tether.pool.breaker.open").gauge().value()).isZero();
            assertThat(registry.get("tether.pool.destroyed").tag("reason", "broken").functionCounter().count()).isZero();
            // Registered although this client does not pipeline (the default), reading 0.
            assertThat(registry.get("tether.pool.pipeline.shared").gauge().value()).isZero();
            assertThat(registry.get("tether.pool.pipeline.in_flight").gauge().value()).isZero();
            assertThat(registry.get("tether.pool.pipeline.writes").functionCounter().count()).isZero();
            assertThat(registry.get("tether.pool.pipeline.requests").functionCounter().count()).isZero();
        }
    }
}
