package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.internal.ManualTime;
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
        // The clock never moves here: the waiter waits until it is interrupted, however slow the machine.
        ManualTime time = new ManualTime();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .loadBalancing(LoadBalancing.ROUND_ROBIN)
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).build())
                     .build()) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread waiter;
            try (Lease<String, String> onA = client.lease()) {
                assertThat(onA.endpoint()).isEqualTo(a.endpoint());
                waiter = new Thread(() -> {
                    try {
                        client.call("echo never");
                    } catch (Throwable t) {
                        outcome.set(t);
                    }
                });
                waiter.start();
                // Round robin sends it to B, whose permit it takes at once; the only wait is for the total permit.
                // Waits for the other thread to park on the clock, waiting for the total permit.
                await().atMost(Duration.ofSeconds(10)).until(() -> time.parkedThreads() == 1);
                assertThat(client.stats().get(b.endpoint()).waiting()).isEqualTo(1);
                waiter.interrupt();
                waiter.join(10_000);
                assertThat(outcome.get()).isInstanceOf(CallInterruptedException.class);
            }
            // Nothing is in use now: round robin sends the next call to A and the one after to B, which must get
            // a connection (B's permit leaked showed up as PoolExhaustedException after the acquire wait).
            assertThat(client.call("echo a")).isEqualTo("a");
            assertThat(client.call("echo b")).isEqualTo("b");
            assertThat(b.requests()).isEqualTo(1);
        }
    }
}
