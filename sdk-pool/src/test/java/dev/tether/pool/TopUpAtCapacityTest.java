package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The minimum-idle top-up gives up when commons-pool2 has no room for another connection, instead of spinning
 * on a background thread until room appears (which may take as long as a lease is held).
 */
class TopUpAtCapacityTest {

    @Test
    void aTopUpWithNoRoomLeftFinishesInsteadOfSpinning() throws Exception {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                     // Only the top-up runs tasks here (no callAsync), so these counts are the top-up's.
                     .asyncExecutor(task -> threads.execute(() -> {
                         started.incrementAndGet();
                         try {
                             task.run();
                         } finally {
                             finished.incrementAndGet();
                         }
                     }))
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2).minIdlePerEndpoint(2)
                             .maintenanceInterval(Duration.ofMillis(20)).build())
                     .build()) {
            EndpointStats warm = await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.stats().get(server.endpoint()), s -> s.idle() == 2);
            assertThat(warm.created()).isEqualTo(2);

            await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() == started.get());
            int before = started.get();
            try (Lease<String, String> lease = client.lease()) {
                // One idle connection left (below the minimum of 2), one permit free, but commons-pool2 counts
                // both connections against maxPerEndpoint and maxTotal: a top-up cannot open anything.
                await().atMost(Duration.ofSeconds(10)).until(() -> started.get() > before);
                await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() == started.get());
                assertThat(lease.exchange("echo held")).isEqualTo("held");
            }
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }
}
