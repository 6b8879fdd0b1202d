package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).minIdlePerEndpoint(0)
                             // A ping timeout long enough that the caller below is surely waiting before the ping
                             // could time out on its own: the ping must fail because the connection is closed.
                             .keepAliveInterval(Duration.ofSeconds(3)).keepAliveTimeout(Duration.ofSeconds(3))
                             .maintenanceInterval(Duration.ofMillis(50)).build())
                     .build()) {
            assertThat(client.call("echo 1")).isEqualTo("1");
            // The next line the server reads is the keep-alive ping; stalled, it never answers it.
            server.stall(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.linesReceived() >= 2);

            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    outcome.set(client.call("echo 2", CallOptions.timeout(Duration.ofSeconds(4))));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            caller.start();
            // The caller holds both permits and waits in commons-pool2 for the connection under the ping.
            await().atMost(Duration.ofSeconds(10)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
            server.stall(false);
            server.closeConnections();

            caller.join(10_000);
            assertThat(outcome.get()).isEqualTo("2");
            assertThat(Clients.destroyed(client, DestroyReason.KEEP_ALIVE_FAILED)).isEqualTo(1);
        }
    }
}
