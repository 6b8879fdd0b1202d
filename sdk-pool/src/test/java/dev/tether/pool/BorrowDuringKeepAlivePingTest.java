package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A caller that wants the idle connection maintenance is pinging waits for the ping; when the ping fails and
 * the connection is destroyed, the caller must get a new one at once, not wait out its deadline.
 */
class BorrowDuringKeepAlivePingTest {

    @Test
    void aCallerWaitingOnAConnectionWhosePingFailsGetsANewConnection() throws Exception {
        ManualTime time = new ManualTime();
        Duration keepAlive = PoolSettings.defaults().keepAliveInterval();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).build())
                     .build()) {
            assertThat(client.call("echo 1")).isEqualTo("1");
            // The next line the server reads is the keep-alive ping; stalled, it never answers it.
            server.stall(true);
            // Maintenance on its own thread, as the client's timer would run it: the run that finds the ping due
            // blocks in the ping. Its timeout (5 s by default) is a socket read timeout: with the clock standing
            // still, only the closed connection below can end the ping before then.
            Thread maintenance = new Thread(() -> time.advance(keepAlive), "maintenance");
            maintenance.setDaemon(true);
            maintenance.start();
            // Network event: the ping reached the server.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.linesReceived() >= 2);

            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    outcome.set(client.call("echo 2"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            caller.start();
            // The caller holds both permits and waits, parked on the clock, for the connection under the ping.
            await().atMost(Duration.ofSeconds(10)).until(() -> time.parkedThreads() == 1);
            assertThat(client.stats().get(server.endpoint()).waiting()).isEqualTo(1);
            server.stall(false);
            server.closeConnections();

            caller.join(10_000);
            maintenance.join(10_000);
            assertThat(outcome.get()).isEqualTo("2");
            assertThat(Clients.destroyed(client, DestroyReason.KEEP_ALIVE_FAILED)).isEqualTo(1);
        }
    }
}
