package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.internal.ManualTime;
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
        ManualTime time = new ManualTime();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     // Only the top-up runs tasks here (no callAsync, no reconnects), so these counts are the top-up's.
                     .asyncExecutor(task -> threads.execute(() -> {
                         started.incrementAndGet();
                         try {
                             task.run();
                         } finally {
                             finished.incrementAndGet();
                         }
                     }))
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2).minIdlePerEndpoint(2).build())
                     .build()) {
            time.runDue(); // the first maintenance run starts the warm-up
            // Network event: the warm-up connects over real sockets, on the executor's thread.
            EndpointStats warm = await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.stats().get(server.endpoint()), s -> s.idle() == 2);
            assertThat(warm.created()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> finished.get() == started.get());
            assertThat(started.get()).isEqualTo(1);

            try (Lease<String, String> lease = client.lease()) {
                // One idle connection left (below the minimum of 2) but both slots taken: each maintenance run
                // starts one top-up, which must find no room and end (a spinning one would never finish).
                for (int run = 1; run <= 3; run++) {
                    time.advance(PoolSettings.defaults().maintenanceInterval());
                    int expected = 1 + run;
                    // Waits for the executor's thread to run the task (the clock stands still meanwhile).
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> started.get() == expected && finished.get() == expected);
                }
                assertThat(lease.exchange("echo held")).isEqualTo("held");
            }
            assertThat(started.get()).isEqualTo(4);
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(2);
        } finally {
            threads.shutdownNow();
        }
    }
}
