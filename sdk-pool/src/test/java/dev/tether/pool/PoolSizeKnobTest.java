package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One knob for size: maxTotal alone sizes a one-endpoint client; the two limits combine as documented. */
class PoolSizeKnobTest {

    @Test
    void maxTotalAloneIsAlsoThePerEndpointLimit() {
        PoolSettings p = PoolSettings.builder().maxTotal(32).build();
        assertThat(p.maxTotal()).isEqualTo(32);
        assertThat(p.maxPerEndpoint()).isEqualTo(32);
        assertThat(PoolSettings.builder().maxTotal(1).build().maxPerEndpoint()).isEqualTo(1);
    }

    @Test
    void maxPerEndpointAloneRaisesMaxTotalOnlyWhenItIsLarger() {
        assertThat(PoolSettings.builder().maxPerEndpoint(100).build().maxTotal()).isEqualTo(100);
        assertThat(PoolSettings.builder().maxPerEndpoint(8).build().maxTotal()).isEqualTo(64);
    }

    @Test
    void bothSetAreBothHonouredAndNeitherSetGivesTheDefaults() {
        PoolSettings both = PoolSettings.builder().maxTotal(40).maxPerEndpoint(10).build();
        assertThat(both.maxTotal()).isEqualTo(40);
        assertThat(both.maxPerEndpoint()).isEqualTo(10);
        assertThat(PoolSettings.defaults().maxTotal()).isEqualTo(64);
        assertThat(PoolSettings.defaults().maxPerEndpoint()).isEqualTo(16);
        assertThat(both.toBuilder().build().maxPerEndpoint()).isEqualTo(10);
        assertThat(PoolSettings.builder().maxTotal(32).build().toBuilder().maxTotal(48).build().maxPerEndpoint())
                .as("toBuilder carries the derived per-endpoint limit as set").isEqualTo(32);
    }

    @Test
    void badValuesAreQuotedInTheMessage() {
        assertThatThrownBy(() -> PoolSettings.builder().maxTotal(0)).hasMessage("maxTotal must be at least 1: 0");
        assertThatThrownBy(() -> PoolSettings.builder().maxTotal(-5)).hasMessage("maxTotal must be at least 1: -5");
        assertThatThrownBy(() -> PoolSettings.builder().maxPerEndpoint(0))
                .hasMessage("maxPerEndpoint must be at least 1: 0");
        assertThatThrownBy(() -> PoolSettings.builder().maxTotal(4).maxPerEndpoint(8).build())
                .hasMessage("maxPerEndpoint must not exceed maxTotal: 8 > 4");
        assertThatThrownBy(() -> PoolSettings.builder().maxTotal(2).minIdlePerEndpoint(3).build())
                .hasMessage("minIdlePerEndpoint must not exceed maxPerEndpoint: 3 > 2");
    }

    /** n leases at once get n connections to the one endpoint; the next waits and times out. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 32})
    void everySizeFromOneWorks(int n) throws Exception {
        try (FaultyServer server = FaultyServer.start();
             // A short acquire timeout only so the one-too-many lease fails quickly; the size is maxTotal alone.
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxTotal(n).acquireTimeout(Duration.ofMillis(300)).build())
                     .build()) {
            List<Lease<String, String>> leases = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Lease<String, String> lease = client.lease();
                    leases.add(lease);
                    assertThat(lease.exchange("hello " + i)).isNotNull();
                }
                assertThat(server.openConnections()).isEqualTo(n);
                assertThatThrownBy(client::lease).isInstanceOf(PoolExhaustedException.class);
            } finally {
                leases.forEach(Lease::close);
            }
            assertThat(client.call("after")).isNotNull();
            EndpointStats stats = client.stats().get(server.endpoint());
            assertThat(stats.created()).isEqualTo(n);
        }
    }
}
