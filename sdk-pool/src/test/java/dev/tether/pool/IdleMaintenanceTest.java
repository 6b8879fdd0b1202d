package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Background upkeep: idle eviction, lifetime retirement, the minimum idle count, keep-alive pings, and finding
 * connections the peer closed. The client's clock is moved by hand, so each rule is checked at its exact time;
 * maintenance runs on the default interval, on the thread that moves the clock.
 */
class IdleMaintenanceTest {
    private static final Duration INTERVAL = PoolSettings.defaults().maintenanceInterval();

    @Test
    void idleConnectionsBeyondTheMinimumAreClosedAndTheMinimumIsKept() throws Exception {
        ManualTime time = new ManualTime();
        Duration maxIdle = Duration.ofSeconds(5);
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .pool(PoolSettings.builder().minIdlePerEndpoint(2).maxIdleTime(maxIdle).build())
                     .build()) {
            time.runDue(); // the first maintenance run tops the pool up to the minimum, in the background
            // Network event: the background warm-up connects over real sockets.
            await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(server.endpoint()).idle() == 2);
            List<Lease<String, String>> leases = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                leases.add(client.lease());
            }
            leases.forEach(Lease::close);
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(5);

            time.advance(maxIdle.minus(INTERVAL)); // every maintenance run so far finds them idle for less than maxIdle
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(5);
            assertThat(Clients.destroyed(client, DestroyReason.IDLE)).isZero();

            time.advance(INTERVAL); // the run at exactly maxIdle
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.idle()).isEqualTo(2);
            assertThat(s.destroyed(DestroyReason.IDLE)).isEqualTo(3);
            assertThat(s.created()).isEqualTo(5);
            assertThat(s.created() - s.destroyed()).isEqualTo(2);

            time.advance(maxIdle.multipliedBy(3)); // the minimum stays, however long it is idle
            s = client.stats().get(server.endpoint());
            assertThat(s.idle()).isEqualTo(2);
            assertThat(s.destroyed()).isEqualTo(3);
        }
    }

    @Test
    void connectionsAreRetiredAtTheEndOfTheirLifetimeAndReplaced() throws Exception {
        ManualTime time = new ManualTime();
        // Lifetimes between 9.5 s and 10 s: never reached at the run 9 s after a connection is made, always at
        // the run 10 s after.
        Duration lifetime = Duration.ofSeconds(10);
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .pool(PoolSettings.builder().minIdlePerEndpoint(1).maxLifetime(lifetime)
                             .maxLifetimeJitter(Duration.ofMillis(500)).build())
                     .build()) {
            time.runDue();
            // Network event: the background warm-up connects over real sockets.
            await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(server.endpoint()).idle() == 1);
            for (int round = 1; round <= 3; round++) {
                time.advance(lifetime.minus(INTERVAL));
                assertThat(Clients.destroyed(client, DestroyReason.LIFETIME)).isEqualTo(round - 1);
                assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(round);

                time.advance(INTERVAL); // retired, and the same run opens a replacement in the background
                assertThat(Clients.destroyed(client, DestroyReason.LIFETIME)).isEqualTo(round);
                int created = round + 1;
                // Network event: the replacement connects over a real socket (the clock stands still meanwhile).
                await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(server.endpoint()).idle() == 1
                        && client.stats().get(server.endpoint()).created() == created);
            }
            assertThat(client.call("echo fresh")).isEqualTo("fresh");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(4);
            assertThat(server.accepted()).isEqualTo(4);
        }
    }

    @Test
    void keepAlivePingsAreSentEveryIntervalAndKeepTheIdleConnection() throws Exception {
        ManualTime time = new ManualTime();
        // Shorter than the default 30 s so five pings fit in the default maxIdleTime (60 s): a ping is not a use,
        // so a connection idle that long is evicted whatever its pings say.
        Duration keepAlive = Duration.ofSeconds(10);
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .pool(PoolSettings.builder().keepAliveInterval(keepAlive).build())
                     .build()) {
            assertThat(client.call("echo once")).isEqualTo("once");
            time.advance(keepAlive.minus(INTERVAL));
            assertThat(server.pings()).isZero();
            for (int ping = 1; ping <= 5; ping++) {
                time.advance(INTERVAL); // the ping runs on this thread, in the maintenance run that finds it due
                assertThat(server.pings()).isEqualTo(ping);
                time.advance(keepAlive.minus(INTERVAL));
                assertThat(server.pings()).isEqualTo(ping);
            }
            assertThat(client.call("echo still")).isEqualTo("still");
            assertThat(server.accepted()).isEqualTo(1);
            assertThat(client.stats().get(server.endpoint()).destroyed()).isZero();
        }
    }

    @Test
    void withoutAPingTheMaintenancePassFindsConnectionsThePeerClosed() throws Exception {
        ManualTime time = new ManualTime();
        // The server's idle timeout runs on the wall clock and also between accept and the first request: too
        // short, and a slow client thread would see its only call's connection closed under it.
        try (FaultyServer server = FaultyServer.start().closeIdleAfter(Duration.ofMillis(500));
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(dev.tether.core.codec.LineCodec.create()))
                     .endpoint(server.endpoint())
                     .build()) {
            assertThat(client.call("echo once")).isEqualTo("once");
            // Network event: the server closes the idle connection on its own (wall-clock) timeout.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.closedIdle() == 1 && server.openConnections() == 0);
            assertThat(Clients.destroyed(client, DestroyReason.STALE)).isZero();
            time.advance(INTERVAL); // no ping (this codec has none): the maintenance run's liveness check finds it
            assertThat(Clients.destroyed(client, DestroyReason.STALE)).isEqualTo(1);
            assertThat(client.stats().get(server.endpoint()).idle()).isZero();
        }
    }
}
