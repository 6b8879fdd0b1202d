package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link EndpointStats#waiting()} counts callers waiting for a connection, and the acquire-wait percentiles
 * and maximum include the time a caller waited for one.
 */
class AcquireWaitStatsTest {
    private static final Duration HELD = Duration.ofMillis(300);

    @Test
    void aWaitingCallerIsCountedAndItsWaitShowsInThePercentiles() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     // One connection, so a second caller must wait for it; the longer acquire timeout only keeps
                     // the waiter from giving up on a loaded machine before the test lets it through.
                     .pool(PoolSettings.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(60)).build())
                     .build()) {
            Lease<String, String> holder = client.lease();
            assertThat(client.stats().get(server.endpoint()).waiting()).isZero();

            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    outcome.set(client.call("echo waited", CallOptions.timeout(Duration.ofSeconds(60))));
                } catch (Exception e) {
                    outcome.set(e);
                }
            });
            waiter.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> client.stats().get(server.endpoint()).waiting() == 1);
            // Not synchronisation: the waiter is already queued (seen above); this is the wait being measured.
            Thread.sleep(HELD.toMillis());
            holder.close();
            waiter.join(Duration.ofSeconds(60).toMillis());
            assertThat(outcome.get()).isEqualTo("waited");

            for (int i = 0; i < 3; i++) {
                client.call("echo quick");
            }
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.waiting()).isZero();
            assertThat(s.acquires()).isEqualTo(5);
            // Five acquires: the first connect, one long wait, three reuses. The histogram keeps 2 significant digits.
            assertThat(s.acquireWaitMax()).isGreaterThanOrEqualTo(HELD.multipliedBy(99).dividedBy(100));
            assertThat(s.acquireWaitP99()).isGreaterThanOrEqualTo(HELD.multipliedBy(99).dividedBy(100))
                    .isLessThanOrEqualTo(s.acquireWaitMax());
            assertThat(s.acquireWaitP50()).isLessThan(HELD).isLessThanOrEqualTo(s.acquireWaitP99());
        }
    }
}
