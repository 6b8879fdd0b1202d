package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A caller interrupted while it waits for a connection leaves every limit as it found it. */
class InterruptedWaiterTest {

    /**
     * The caller of B holds B's only endpoint permit while it waits for the client-wide one (held by a lease on
     * A). Interrupted there, it must give B's permit back: before the fix it kept it, and B stayed exhausted.
     */
    @Test
    void aCallerInterruptedWhileWaitingForTheClientWideLimitGivesBackItsEndpointPermit() throws Exception {
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .loadBalancing(LoadBalancing.ROUND_ROBIN)
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).minIdlePerEndpoint(0)
                             .acquireTimeout(Duration.ofSeconds(30)).maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread waiter;
            try (Lease<String, String> onA = client.lease()) {
                assertThat(onA.endpoint()).isEqualTo(a.endpoint());
                waiter = new Thread(() -> {
                    try {
                        client.call("echo never", CallOptions.timeout(Duration.ofSeconds(30)));
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                waiter.start();
                // Round robin sends it to B, whose permit it takes at once; the only wait is for the total permit.
                await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
                waiter.interrupt();
                waiter.join(10_000);
                assertThat(outcome.get()).isInstanceOf(CallInterruptedException.class);
            }
            // Nothing is in use now: round robin sends the next call to A and the one after to B, which must get
            // a connection (B's permit leaked showed up as PoolExhaustedException after the acquire wait).
            assertThat(client.call("echo a", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("a");
            assertThat(client.call("echo b", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("b");
            assertThat(b.requests()).isEqualTo(1);
        }
    }
}
