package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A server that closes idle connections before the client would: the pool must notice (by its non-blocking
 * check before reuse, or its maintenance pass) and no caller may ever see an error, even for calls that are
 * not idempotent and so could not be retried.
 */
class ServerClosesIdleConnectionsTest {

    @Test
    void noCallerSeesAnErrorWhenTheServerClosesIdleConnections() throws Exception {
        try (FaultyServer server = FaultyServer.start().closeIdleAfter(Duration.ofMillis(700));
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            ExecutorService callers = Executors.newFixedThreadPool(8);
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            try {
                for (int round = 0; round < 3; round++) {
                    runRound(client, callers, round, errors);
                    // Let the server close every connection for idleness before the next round reuses them.
                    // Network event: the server's own idle timeout (wall clock, server side) closes the sockets.
                    await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(errors).isEmpty();
            assertThat(server.executedMoreThanOnce()).isEmpty();
            assertThat(server.executions("r2-c7-n9")).isEqualTo(1);
            // Every connection the server closed was caught before use: by the check or by maintenance.
            assertThat(Clients.destroyed(client, DestroyReason.STALE)).isPositive();
            assertThat(Clients.destroyed(client, DestroyReason.BROKEN)).isZero();
        }
    }

    private static void runRound(TetherClient<String, String> client, ExecutorService callers, int round,
                                 ConcurrentLinkedQueue<Throwable> errors) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int caller = c;
            futures.add(callers.submit(() -> {
                start.await();
                for (int n = 0; n < 10; n++) {
                    String id = "r" + round + "-c" + caller + "-n" + n;
                    try {
                        assertThat(client.call("do " + id)).isEqualTo("done " + id + " 1");
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
    }
}
