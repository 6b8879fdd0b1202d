package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The fair acquire order promised in sdk-pool/README.md: callers waiting for a connection of a saturated
 * endpoint get one in the order they started waiting, and a caller arriving when one is freed queues behind
 * them instead of barging in. Each waiter is seen queued ({@link EndpointStats#waiting()}) before the next one
 * starts, so the arrival order is known, not hoped for.
 */
class FairAcquireOrderTest {
    /** Generous, so a loaded machine cannot time out a waiter while the queue is built. */
    private static final CallOptions PATIENT = CallOptions.timeout(Duration.ofSeconds(60));

    @Test
    void waitersAreServedInArrivalOrderAndNewcomersQueueBehindThem() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     // One connection, so every other caller has to wait; the longer acquire timeout only keeps
                     // the queued callers from giving up while the test lines them up on a loaded machine.
                     .pool(PoolSettings.builder().maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(60)).build())
                     .build()) {
            List<String> served = new CopyOnWriteArrayList<>();
            List<Thread> waiters = new ArrayList<>();
            Lease<String, String> holder = client.lease(PATIENT);
            for (String name : List.of("A", "B", "C")) {
                Thread t = new Thread(() -> {
                    try (Lease<String, String> lease = client.lease(PATIENT)) {
                        served.add(name);
                        lease.exchange("echo " + name);
                    } catch (Exception e) {
                        served.add(name + " failed: " + e);
                    }
                }, "waiter-" + name);
                t.start();
                waiters.add(t);
                int queued = waiters.size();
                // Thread synchronisation, not time: the caller has queued.
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> client.stats().get(server.endpoint()).waiting() == queued);
            }

            holder.close();
            // Freed just now, with A, B and C still queued (or A just served): this caller must not jump the queue.
            try (Lease<String, String> newcomer = client.lease(PATIENT)) {
                served.add("D");
                newcomer.exchange("echo D");
            }
            for (Thread t : waiters) {
                t.join(Duration.ofSeconds(60).toMillis());
                assertThat(t.isAlive()).isFalse();
            }
            assertThat(served).containsExactly("A", "B", "C", "D");
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.waiting()).isZero();
            assertThat(s.created()).isEqualTo(1);
        }
    }
}
