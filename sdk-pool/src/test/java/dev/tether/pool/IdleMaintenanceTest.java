package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Background upkeep: idle eviction, lifetime retirement, the minimum idle count, and keep-alive pings. */
class IdleMaintenanceTest {

    @Test
    void idleConnectionsBeyondTheMinimumAreClosedAndTheMinimumIsKept() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     // Long enough that the five connections just given back cannot be evicted before the count below,
                     // even when this thread is descheduled for a while.
                     .pool(PoolSettings.builder().minIdlePerEndpoint(2).maxIdleTime(Duration.ofSeconds(1))
                             .maintenanceInterval(Duration.ofMillis(20)).build())
                     .build()) {
            // Pre-warmed at start, in the background.
            await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(server.endpoint()).idle() == 2);
            List<Lease<String, String>> leases = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                leases.add(client.lease());
            }
            leases.forEach(Lease::close);
            assertThat(client.stats().get(server.endpoint()).idle()).isGreaterThanOrEqualTo(5);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(server.endpoint()).idle() == 2
                    && Clients.destroyed(client, DestroyReason.IDLE) >= 3);
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created() - s.destroyed()).isEqualTo(2);
        }
    }

    @Test
    void connectionsAreRetiredAtTheEndOfTheirLifetimeAndReplaced() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().minIdlePerEndpoint(1).maxLifetime(Duration.ofMillis(200))
                             .maxLifetimeJitter(Duration.ofMillis(50)).maintenanceInterval(Duration.ofMillis(20)).build())
                     .build()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> Clients.destroyed(client, DestroyReason.LIFETIME) >= 3);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(server.endpoint()).idle() == 1);
            assertThat(client.call("echo fresh")).isEqualTo("fresh");
        }
    }

    @Test
    void keepAlivePingsHoldAnIdleConnectionOpenAgainstTheServersIdleTimeout() throws Exception {
        // A ping timeout a loaded machine can meet (a PONG late by 100 ms failed the ping and replaced the
        // connection), and enough pings to span more than the server's idle timeout.
        try (FaultyServer server = FaultyServer.start().closeIdleAfter(Duration.ofMillis(2000));
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().keepAliveInterval(Duration.ofMillis(500))
                             .keepAliveTimeout(Duration.ofMillis(500)).maintenanceInterval(Duration.ofMillis(20)).build())
                     .build()) {
            assertThat(client.call("echo once")).isEqualTo("once");
            await().atMost(Duration.ofSeconds(15)).until(() -> server.pings() >= 5);
            assertThat(server.closedIdle()).isZero();
            assertThat(client.call("echo still")).isEqualTo("still");
            assertThat(server.accepted()).isEqualTo(1);
            assertThat(client.stats().get(server.endpoint()).destroyed()).isZero();
        }
    }

    @Test
    void withoutAPingTheMaintenancePassFindsConnectionsThePeerClosed() throws Exception {
        // The server's idle timeout also runs between accept and the first request: too short, and a slow client
        // thread would see its only call's connection closed under it.
        try (FaultyServer server = FaultyServer.start().closeIdleAfter(Duration.ofMillis(500));
             TetherClient<String, String> client = TetherClient.builder(dev.tether.core.codec.LineCodec.create())
                     .endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maintenanceInterval(Duration.ofMillis(20)).build())
                     .build()) {
            assertThat(client.call("echo once")).isEqualTo("once");
            await().atMost(Duration.ofSeconds(5)).until(() -> Clients.destroyed(client, DestroyReason.STALE) == 1);
            assertThat(client.stats().get(server.endpoint()).idle()).isZero();
        }
    }
}
