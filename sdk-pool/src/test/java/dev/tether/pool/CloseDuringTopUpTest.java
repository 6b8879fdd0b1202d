package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Closing the client while maintenance is still opening idle connections leaves none of them open. */
class CloseDuringTopUpTest {

    @Test
    void aConnectionThatFinishesOpeningAfterCloseIsClosed() throws Exception {
        CountDownLatch connecting = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        SocketConnector plain = SocketConnector.create();
        // Holds the top-up's connect until the client has closed: the race, made deterministic.
        Connector heldUntilClosed = (endpoint, deadline) -> {
            connecting.countDown();
            try {
                mayFinish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return plain.connect(endpoint, deadline);
        };
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (FaultyServer server = FaultyServer.start()) {
            TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                    .connector(heldUntilClosed)
                    .asyncExecutor(background)
                    .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2).minIdlePerEndpoint(1)
                            .maintenanceInterval(Duration.ofMinutes(5)).build())
                    .build();
            assertThat(connecting.await(10, TimeUnit.SECONDS)).isTrue();
            client.close();
            mayFinish.countDown();
            background.shutdown();
            assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(1);
            assertThat(s.destroyed(DestroyReason.SHUTDOWN)).isEqualTo(1);
            // Network event: the server sees the closed socket.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        } finally {
            mayFinish.countDown();
            background.shutdownNow();
        }
    }
}
