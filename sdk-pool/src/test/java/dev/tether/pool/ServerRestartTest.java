package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The server crashes and comes back while 32 callers keep calling, with the default retry, breaker and reconnect
 * settings. Idempotent calls must all succeed within their deadline (waiting across the outage); a
 * non-idempotent call must never run twice, and when its fate is unknown it must fail with a typed error that
 * says so; the pool reconnects on the backoff schedule, not once per caller.
 */
class ServerRestartTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void idempotentCallsSurviveARestartAndNonIdempotentOnesNeverRunTwice() throws Exception {
        FaultyServer server = FaultyServer.start();
        java.util.concurrent.CountDownLatch unreachable = new java.util.concurrent.CountDownLatch(1);
        AtomicLong reachableAgainAfterMillis = new AtomicLong(-1);
        AtomicLong failedConnectsWhileDown = new AtomicLong(-1);
        try (TetherClient<String, String> client = Clients.forServer(server)
                .listener(new TetherClientListener() {
                    @Override
                    public void endpointUnreachable(dev.tether.core.Endpoint endpoint, TetherException cause) {
                        unreachable.countDown();
                    }

                    @Override
                    public void endpointReachable(dev.tether.core.Endpoint endpoint, Duration downFor, int failedConnects) {
                        reachableAgainAfterMillis.set(downFor.toMillis());
                        failedConnectsWhileDown.set(failedConnects);
                    }
                })
                .build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong okCalls = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> idempotentFailures = new ConcurrentLinkedQueue<>();
            Map<String, TetherException> nonIdempotentFailures = new ConcurrentHashMap<>();
            List<String> nonIdempotentOk = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService callers = Executors.newFixedThreadPool(32);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 32; c++) {
                int caller = c;
                futures.add(callers.submit(() -> {
                    for (int n = 0; running.get(); n++) {
                        try {
                            String echoed = client.call("echo " + caller + "/" + n, Clients.idempotent(CALL_TIMEOUT));
                            assertThat(echoed).isEqualTo(caller + "/" + n);
                            okCalls.incrementAndGet();
                        } catch (Throwable t) {
                            idempotentFailures.add(t);
                        }
                        String id = caller + "-" + n;
                        try {
                            client.call("do " + id, CallOptions.timeout(CALL_TIMEOUT));
                            nonIdempotentOk.add(id);
                        } catch (TetherException e) {
                            nonIdempotentFailures.put(id, e);
                        }
                    }
                    return null;
                }));
            }
            // Enough traffic before the crash for the retry budget to be what it is in production.
            // Real-time restart scenario (system clock on purpose): traffic over real sockets.
            await().atMost(Duration.ofSeconds(30)).until(() -> okCalls.get() >= 2_000);
            long createdBefore = client.stats().get(server.endpoint()).created();
            server.stop();
            assertThat(unreachable.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("the outage was noticed").isTrue();
            // Down for a while: callers wait, and reconnects follow the backoff (at most ~5 a second), not the callers.
            long downAt = System.nanoTime();
            // Real-time restart scenario: the outage is measured on the system clock.
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - downAt >= 500_000_000L);
            server.restart();
            long okAtRestart = okCalls.get();
            // Real-time restart scenario: traffic over real sockets after the restart.
            await().atMost(Duration.ofSeconds(30)).until(() -> okCalls.get() >= okAtRestart + 2_000);
            running.set(false);
            for (Future<?> f : futures) {
                f.get();
            }
            callers.shutdown();

            assertThat(idempotentFailures).isEmpty();
            assertThat(server.executedMoreThanOnce()).isEmpty();
            for (String id : nonIdempotentOk) {
                assertThat(server.executions(id)).as("executions of %s", id).isEqualTo(1);
            }
            // A failed non-idempotent call says whether it may have run; one that says "not sent" did not run.
            nonIdempotentFailures.forEach((id, e) -> {
                if (e.requestState() == RequestState.NOT_SENT) {
                    assertThat(server.executions(id)).as("executions of unsent %s", id).isZero();
                } else {
                    assertThat(server.executions(id)).as("executions of %s", id).isLessThanOrEqualTo(1);
                }
            });
            // The connections the crash broke were replaced, not reused.
            assertThat(client.stats().get(server.endpoint()).created())
                    .isGreaterThan(PoolSettings.defaults().maxPerEndpoint());
            assertThat(reachableAgainAfterMillis.get()).as("the endpoint was reported reachable again").isPositive();
            // The backoff's shortest schedule (jitter -20%): 16, 25.6, 41, 65.5, 104.9ms, then every 160ms.
            assertThat(failedConnectsWhileDown.get()).as("failed connects while down for %d ms", reachableAgainAfterMillis.get())
                    .isLessThanOrEqualTo(7 + reachableAgainAfterMillis.get() / 160);
            // Across the outage: the pool's own connects (one per caller at most when it broke) plus one per
            // backoff period while down, never one per waiting call.
            long connects = client.stats().get(server.endpoint()).created() - createdBefore;
            assertThat(connects).isLessThanOrEqualTo(2L * PoolSettings.defaults().maxPerEndpoint());
        } finally {
            server.close();
        }
    }
}
