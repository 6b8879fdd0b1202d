package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.testing.Clients;
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
 * The default balancing, {@link LoadBalancing#P2C_EWMA}, over three real servers: equal endpoints share the
 * calls evenly (the busiest gets at most 1.3x the calls of the least busy over 100,000 calls), and an endpoint
 * 5 ms slower than the others gets a clearly smaller share. Real latency on loopback sockets decides, so the
 * bounds leave room for a loaded machine; round robin would fail the second test (a third each) and a
 * least-in-flight pick herding onto one idle endpoint would fail the first. {@code internal.P2cSharesTest} checks
 * the same two cases on a hand-moved clock, where only the balancer decides (equal shares within 1%, the slow
 * endpoint at 15% of a fast one's calls).
 */
class P2cEwmaBalancingTest {
    private static final int CALLERS = 8;

    @Test
    void equalEndpointsShareTheCallsEvenly() throws Exception {
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start(); FaultyServer c = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(a.endpoint()).endpoint(b.endpoint()).endpoint(c.endpoint()).build()) {
            run(client, 100_000);
            long[] calls = {a.requests(), b.requests(), c.requests()};
            long max = Math.max(calls[0], Math.max(calls[1], calls[2]));
            long min = Math.min(calls[0], Math.min(calls[1], calls[2]));
            assertThat(calls[0] + calls[1] + calls[2]).isEqualTo(100_000);
            assertThat((double) max / min).as("busiest / least busy of %s", java.util.Arrays.toString(calls))
                    .isLessThanOrEqualTo(1.3);
        }
    }

    @Test
    void aSlowerEndpointGetsAClearlySmallerShare() throws Exception {
        try (FaultyServer fast1 = FaultyServer.start(); FaultyServer fast2 = FaultyServer.start();
             FaultyServer slow = FaultyServer.start().replyDelay(Duration.ofMillis(5));
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(fast1.endpoint()).endpoint(slow.endpoint()).endpoint(fast2.endpoint()).build()) {
            run(client, 6_000);
            long slowCalls = slow.requests();
            long fewestFast = Math.min(fast1.requests(), fast2.requests());
            assertThat(slowCalls + fast1.requests() + fast2.requests()).isEqualTo(6_000);
            // Round robin would give each a third (2,000). The slow one must get well under half of either fast one.
            assertThat(slowCalls).as("slow %d, fast %d and %d", slowCalls, fast1.requests(), fast2.requests())
                    .isLessThan(fewestFast / 2);
        }
    }

    /** {@code total} calls from {@link #CALLERS} threads. */
    private static void run(TetherClient<String, String> client, int total) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                int share = total / CALLERS + (t < total % CALLERS ? 1 : 0);
                work.add(callers.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
