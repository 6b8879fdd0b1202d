package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Room freed in a burst wakes as many waiting callers: when a restarting server drops every connection at once,
 * each destroyed connection must wake a different queued caller. Waking the oldest waiter again and again (it
 * had not run yet) left the others parked until their acquire timeout, and with 64 callers through a pool of 16
 * some idempotent calls failed with PoolExhaustedException during a restart. The client's clock stands still
 * here, so a waiter that is not woken never leaves. The woken thread usually runs before the next destroy, so
 * this end-to-end check rarely saw the bug; {@code WaitersTest} checks the rule itself.
 */
class BurstOfFreedRoomTest {

    @Test
    void everyDestroyedConnectionWakesAnotherWaiter() throws Exception {
        ManualTime time = new ManualTime();
        int size = 4;
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .pool(PoolSettings.builder().maxTotal(size).maxPerEndpoint(size).build()).build()) {
            time.runDue();
            List<Lease<String, String>> held = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Lease<String, String> lease = client.lease();
                assertThat(lease.exchange("echo held")).isEqualTo("held");
                held.add(lease);
            }
            ExecutorService callers = Executors.newFixedThreadPool(size);
            try {
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    String payload = "echo " + i;
                    calls.add(callers.submit(() -> client.call(payload)));
                }
                // Thread synchronisation, not time: wait until every caller is queued for a connection.
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> client.stats().get(server.endpoint()).waiting() == size);

                for (Lease<String, String> lease : held) {
                    lease.discard(); // destroyed on close: its room is freed
                    lease.close();
                }
                for (int i = 0; i < size; i++) {
                    assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(String.valueOf(i));
                }
            } finally {
                callers.shutdownNow();
            }
            EndpointStats stats = client.stats().get(server.endpoint());
            assertThat(stats.waiting()).isZero();
            assertThat(stats.destroyedByReason().get(DestroyReason.BROKEN)).isEqualTo(size);
        }
    }
}
