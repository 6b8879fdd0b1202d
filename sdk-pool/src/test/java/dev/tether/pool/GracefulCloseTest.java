package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.TetherException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** close() lets calls in flight finish, refuses new ones, is idempotent, and never hangs on a stuck peer. */
class GracefulCloseTest {

    @Test
    void closeDrainsCallsInFlightAndRefusesNewOnes() throws Exception {
        try (FaultyServer server = FaultyServer.start()) {
            TetherClient<String, String> client = Clients.forServer(server).build();
            ExecutorService callers = Executors.newFixedThreadPool(8);
            AtomicLong ok = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            AtomicLong refused = new AtomicLong();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                futures.add(callers.submit(() -> {
                    while (true) {
                        try {
                            client.call("echo x");
                            ok.incrementAndGet();
                        } catch (ClientClosedException e) {
                            refused.incrementAndGet();
                            return null;
                        } catch (Throwable t) {
                            unexpected.add(t);
                            return null;
                        }
                    }
                }));
            }
            // Real traffic over sockets, not time: waits until the callers have made progress.
            await().until(() -> ok.get() > 500);
            client.close();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            callers.shutdown();
            // Every caller either finished its call or was told the client is closed; none saw a torn connection.
            assertThat(unexpected).isEmpty();
            assertThat(refused.get()).isEqualTo(8);
            client.close();
            assertThatThrownBy(() -> client.call("echo late")).isInstanceOf(ClientClosedException.class);
            assertThatThrownBy(client::lease).isInstanceOf(ClientClosedException.class);
            assertThat(client.callAsync("echo late")).failsWithin(Duration.ofSeconds(1));
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(s.destroyed());
            assertThat(s.destroyed(DestroyReason.SHUTDOWN)).isEqualTo(s.created());
            // Network event: the server sees the closed sockets.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        }
    }

    @Test
    void closeGivesUpOnAStuckCallAfterTheDrainTimeout() throws Exception {
        try (FaultyServer server = FaultyServer.start()) {
            TetherClient<String, String> client = Clients.forServer(server)
                    .pool(PoolSettings.builder().drainTimeout(Duration.ofMillis(200)).build()).build();
            assertThat(client.call("echo warm")).isEqualTo("warm");
            server.stall(true);
            CompletableFuture<String> stuck = client.callAsync("echo stuck", CallOptions.timeout(Duration.ofSeconds(60)));
            // Thread synchronisation, not time: the stuck call has taken its connection.
            await().until(() -> client.stats().get(server.endpoint()).active() == 1);
            long start = System.nanoTime();
            client.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(stuck).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(TetherException.class);
            // Network event: the server sees the closed sockets.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 0);
        }
    }
}
