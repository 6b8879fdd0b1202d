package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.TimedOutException;
import dev.tether.pool.testing.Clients;
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
 * A peer that stops answering but keeps its sockets open: idle connections are found dead by the keep-alive
 * ping when it is due (the client's clock moved by hand), calls fail by their deadline, and no thread is left
 * stuck.
 */
class UnresponsivePeerTest {

    @Test
    void keepAlivePingsFindDeadIdleConnectionsWhenTheyAreDue() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     // The ping's own timeout is a socket read against a stalled real peer, so it passes in real
                     // time: short, so three of them take well under a second. Everything else is the default.
                     .pool(PoolSettings.builder().keepAliveTimeout(Duration.ofMillis(200)).build())
                     .build()) {
            time.runDue();
            // Three idle connections, then the peer goes silent.
            List<Lease<String, String>> leases = List.of(client.lease(), client.lease(), client.lease());
            for (Lease<String, String> l : leases) {
                assertThat(l.exchange("echo warm")).isEqualTo("warm");
                l.close();
            }
            server.stall(true);
            Duration interval = PoolSettings.defaults().keepAliveInterval();

            time.advance(interval.minusSeconds(1)); // maintenance runs every second; no ping is due yet
            assertThat(Clients.destroyed(client, DestroyReason.KEEP_ALIVE_FAILED)).isZero();
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(3);

            time.advance(Duration.ofSeconds(1)); // the pings are due: each times out and its connection goes
            assertThat(Clients.destroyed(client, DestroyReason.KEEP_ALIVE_FAILED)).isEqualTo(3);
            assertThat(client.stats().get(server.endpoint()).idle()).isZero();
        }
    }

    @Test
    void callsFailByTheirDeadlineAndNoThreadIsLeftStuck() throws Exception {
        // System clock: what is checked is that socket waits against a silent peer end by the deadline, and that
        // close() stops the client's timer thread.
        try (FaultyServer server = FaultyServer.start()) {
            // A name of its own: the thread check below must not see maintenance threads of other clients in this JVM.
            TetherClient<String, String> client = Clients.forServer(server).name("unresponsive-peer")
                    .retry(RetrySettings.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(10)).build())
                    .build();
            try {
                assertThat(client.call("echo warm")).isEqualTo("warm");
                server.stall(true);

                ExecutorService callers = Executors.newFixedThreadPool(4);
                List<Future<Throwable>> outcomes = new ArrayList<>();
                Duration timeout = Duration.ofMillis(400);
                for (int i = 0; i < 4; i++) {
                    outcomes.add(callers.submit(() -> {
                        long start = System.nanoTime();
                        try {
                            client.call("echo lost", Clients.idempotent(timeout));
                            return null;
                        } catch (TimedOutException e) {
                            long tookMillis = (System.nanoTime() - start) / 1_000_000;
                            // The deadline bounds the whole call, retries included (the slack covers scheduling on a
                            // loaded 2-core machine; a call not bounded by its deadline would wait 30s or more).
                            assertThat(tookMillis).isLessThan(timeout.toMillis() + 3_000);
                            return e;
                        }
                    }));
                }
                for (Future<Throwable> f : outcomes) {
                    assertThat(f.get(10, TimeUnit.SECONDS)).isInstanceOf(TimedOutException.class);
                }
                callers.shutdown();
                assertThat(callers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
                // A connection that timed out mid-response is never returned to the pool.
                assertThat(Clients.destroyed(client, DestroyReason.BROKEN)).isGreaterThanOrEqualTo(4);
                assertThat(Clients.destroyed(client, DestroyReason.KEEP_ALIVE_FAILED)).isZero();
                assertThat(client.stats().get(server.endpoint()).active()).isZero();
            } finally {
                long start = System.nanoTime();
                client.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
            // close() waits for the executor to terminate, which it does just before its worker thread exits:
            // the thread may still be alive for a moment, so wait for it (a stuck thread still fails this).
            // Thread exit, not pool time: the executor thread ends after close.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                    .noneMatch(t -> t.getName().startsWith("unresponsive-peer-pool-maintenance") && t.isAlive()));
        }
    }
}
