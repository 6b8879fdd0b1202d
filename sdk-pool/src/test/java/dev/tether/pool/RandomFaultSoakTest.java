package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 100,000 calls against a server that injects random faults (drops, resets, truncated and extra replies,
 * protocol violations). Afterwards the pool's books balance exactly and every file descriptor is given back.
 */
class RandomFaultSoakTest {
    private static final int CALLERS = 8;
    private static final int CALLS_PER_CALLER = 12_500;

    @Test
    void accountingIsExactAndFileDescriptorsComeBackAfter100kFaultyCalls() throws Exception {
        try (FaultyServer server = FaultyServer.start()) {
            warmUpClassesAndLogging(server);
            long fdsAtStart = Clients.openFileDescriptors();
            server.randomFaults(0.01, 42);

            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong violations = new AtomicLong();
            AtomicLong idempotentFailed = new AtomicLong();
            TetherClient<String, String> client = Clients.forServer(server)
                    .pool(PoolSettings.builder().maxPerEndpoint(8).maxTotal(8).minIdlePerEndpoint(2)
                            .maintenanceInterval(Duration.ofMillis(20)).validateAfterInactivity(Duration.ZERO)
                            .maxLifetime(Duration.ofMillis(300)).maxLifetimeJitter(Duration.ofMillis(100)).build())
                    // Default retry rules with millisecond backoff, so 100,000 calls fit in a unit test's time; the
                    // breaker stays at its defaults (with one endpoint it never refuses a call).
                    .retry(RetrySettings.builder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build())
                    .build();
            try {
                ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    int caller = c;
                    futures.add(callers.submit(() -> {
                        for (int n = 0; n < CALLS_PER_CALLER; n++) {
                            boolean idempotent = n % 2 == 0;
                            String request = idempotent ? "echo " + caller + ":" + n : "do " + caller + ":" + n;
                            try {
                                String reply = client.call(request, CallOptions.timeout(Duration.ofSeconds(5)).idempotent(idempotent));
                                assertThat(reply).isEqualTo(idempotent ? caller + ":" + n : "done " + caller + ":" + n + " 1");
                                ok.incrementAndGet();
                            } catch (ProtocolViolationException e) {
                                violations.incrementAndGet();
                                failed.incrementAndGet();
                                idempotentFailed.addAndGet(idempotent ? 1 : 0);
                            } catch (TetherException e) {
                                if (!idempotent) {
                                    assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
                                }
                                failed.incrementAndGet();
                                idempotentFailed.addAndGet(idempotent ? 1 : 0);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                callers.shutdown();

                assertThat(ok.get() + failed.get()).isEqualTo((long) CALLERS * CALLS_PER_CALLER);
                // Minimum success rates the client could miss. 1% of requests get a fault, a sixth of each kind.
                // Idempotent calls lose only the protocol violations (OVERLONG, ~0.17%), never retried, and calls
                // whose every attempt was faulted (~1e-6): without retries they would lose the other ~0.8% too.
                // Non-idempotent calls also lose what the server dropped or reset (~0.8% in all).
                long half = (long) CALLERS * CALLS_PER_CALLER / 2;
                long nonIdempotentFailed = failed.get() - idempotentFailed.get();
                assertThat(idempotentFailed.get()).as("failed idempotent calls of %d", half).isLessThanOrEqualTo(half / 200);
                assertThat(nonIdempotentFailed).as("failed non-idempotent calls of %d", half).isLessThanOrEqualTo(half / 50);
                assertThat(server.faultsInjected()).isGreaterThan(500);
                assertThat(violations.get()).isPositive();
                assertThat(server.executedMoreThanOnce()).isEmpty();
                // With faults on, a connection often breaks before its 300 ms lifetime (a fast JVM makes ~250
                // faults a second across 8 connections), so lifetime expiry is shown with the faults off: calls go
                // on until a connection has been retired for its age.
                server.randomFaults(0, 42);
                // Real-time soak over real sockets (system clock on purpose): waits for real traffic to settle.
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    assertThat(client.call("echo aging")).isEqualTo("aging");
                    return client.stats().get(server.endpoint()).destroyed(DestroyReason.LIFETIME) > 0;
                });
                // Quiescent: nothing lent out, and every connection ever made is accounted for.
                // Network events: in-flight calls over real sockets finish.
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    EndpointStats s = client.stats().get(server.endpoint());
                    assertThat(s.active()).isZero();
                    assertThat(s.created() - s.destroyed()).isEqualTo(s.active() + s.idle());
                });
                EndpointStats s = client.stats().get(server.endpoint());
                assertThat(s.destroyed(DestroyReason.BROKEN)).isPositive();
                assertThat(s.destroyed(DestroyReason.LIFETIME)).isPositive();
                assertThat(s.reuseRatio()).isGreaterThan(0.5);
            } finally {
                client.close();
            }
            EndpointStats end = client.stats().get(server.endpoint());
            assertThat(end.created()).isEqualTo(end.destroyed());
            // Network event: the kernel releases the closed sockets.
            await().atMost(Duration.ofSeconds(10)).until(() -> Clients.openFileDescriptors() <= fdsAtStart);
        }
    }

    /** Loads every class and opens every jar a run needs, so the descriptor count at start is the steady one. */
    private static void warmUpClassesAndLogging(FaultyServer server) throws Exception {
        try (TetherClient<String, String> warm = Clients.forServer(server)
                .pool(PoolSettings.builder().minIdlePerEndpoint(1).maintenanceInterval(Duration.ofMillis(20)).build())
                .build()) {
            for (int i = 0; i < 100; i++) {
                warm.call("echo warm", Clients.idempotent(Duration.ofSeconds(5)));
                warm.lease().close();
            }
            server.nextFaults(FaultyServer.Fault.OVERLONG, FaultyServer.Fault.RESET, FaultyServer.Fault.TRUNCATE);
            for (int i = 0; i < 3; i++) {
                try {
                    warm.call("do warm-" + i);
                } catch (TetherException expected) {
                    // Faults on purpose, to load the failure paths' classes too.
                }
            }
        }
        // Network event: the server sees the closed sockets.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
    }
}
