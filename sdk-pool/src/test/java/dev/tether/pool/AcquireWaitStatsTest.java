package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link EndpointStats#waiting()} counts callers waiting for a connection, and the acquire-wait percentiles
 * and maximum include the time a caller waited for one. The client's clock is moved by hand while the caller
 * waits, so the wait is exactly {@link #HELD}.
 */
class AcquireWaitStatsTest {
    private static final Duration HELD = Duration.ofMillis(300);

    @Test
    void aWaitingCallerIsCountedAndItsWaitShowsInThePercentiles() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     // One connection, so a second caller must wait for it.
                     .pool(PoolSettings.builder().maxPerEndpoint(1).build())
                     .build()) {
            Lease<String, String> holder = client.lease();
            assertThat(client.stats().get(server.endpoint()).waiting()).isZero();

            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    outcome.set(client.call("echo waited"));
                } catch (Exception e) {
                    outcome.set(e);
                }
            });
            waiter.start();
            // Waits for the other thread to queue and park on the clock (no time passes meanwhile).
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.stats().get(server.endpoint()).waiting() == 1 && time.parkedThreads() == 1);
            time.advance(HELD);
            holder.close();
            waiter.join(Duration.ofSeconds(30).toMillis());
            assertThat(outcome.get()).isEqualTo("waited");

            for (int i = 0; i < 3; i++) {
                client.call("echo quick");
            }
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.waiting()).isZero();
            assertThat(s.acquires()).isEqualTo(5);
            // Five acquires: the first connect, one wait of exactly HELD, three reuses, all but the wait taking no
            // time on the clock. The histogram keeps 2 significant digits.
            assertThat(s.acquireWaitMax()).isBetween(HELD.multipliedBy(99).dividedBy(100), HELD.multipliedBy(101).dividedBy(100));
            assertThat(s.acquireWaitP99()).isEqualTo(s.acquireWaitMax());
            assertThat(s.acquireWaitP50()).isZero();
        }
    }
}
