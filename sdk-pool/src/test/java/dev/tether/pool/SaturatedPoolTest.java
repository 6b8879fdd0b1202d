package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many more callers than connections: every connection given back must reach a waiting caller at once (a
 * lost hand-off would show up as a caller waiting out its acquire timeout), and the limits must hold.
 */
class SaturatedPoolTest {

    @Test
    void sixteenCallersShareTwoConnectionsWithoutLosingAHandOff() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2).acquireTimeout(Duration.ofSeconds(2)).build())
                     .build()) {
            List<Throwable> errors = runCallers(client, 16, 300);
            assertThat(errors).isEmpty();
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.acquires()).isEqualTo(16 * 300);
            assertThat(Clients.accountingBalances(s)).isTrue();
        }
    }

    @Test
    void theClientWideLimitHoldsAcrossEndpointsAndWaitersAreServed() throws Exception {
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2).acquireTimeout(Duration.ofSeconds(2)).build())
                     .build()) {
            AtomicInteger maxOpen = new AtomicInteger();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    // All "created" read before all "destroyed": the difference never overstates what was open.
                    long created = client.stats().values().stream().mapToLong(EndpointStats::created).sum();
                    long destroyed = client.stats().values().stream().mapToLong(EndpointStats::destroyed).sum();
                    int open = (int) (created - destroyed);
                    maxOpen.accumulateAndGet(open, Math::max);
                    Thread.onSpinWait();
                }
            });
            watcher.setDaemon(true);
            watcher.start();
            List<Throwable> errors = runCallers(client, 8, 300);
            watcher.interrupt();
            watcher.join();
            assertThat(errors).isEmpty();
            assertThat(a.requests()).isPositive();
            assertThat(b.requests()).isPositive();
            long open = client.stats().values().stream().mapToLong(s -> s.created() - s.destroyed()).sum();
            assertThat(open).isLessThanOrEqualTo(2);
            // Sampled while the calls ran: never more than maxTotal open (connected and not yet closed).
            assertThat(maxOpen.get()).isLessThanOrEqualTo(2);
        }
    }

    /**
     * The client-wide permit of an idle connection parked for endpoint A must be freed for a caller that needs
     * endpoint B: before the fix the caller waited out its acquire timeout although nothing was in use.
     */
    @Test
    void anIdleConnectionToOneEndpointMakesRoomForACallerOfAnother() throws Exception {
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .loadBalancing(LoadBalancing.ROUND_ROBIN)
                     // Maintenance would eventually move the parked connection back; keep it out of the picture.
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).minIdlePerEndpoint(0)
                             .acquireTimeout(Duration.ofSeconds(2)).maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            for (int n = 0; n < 6; n++) {
                assertThat(client.call("echo " + n, CallOptions.timeout(Duration.ofSeconds(10)))).isEqualTo(String.valueOf(n));
            }
            assertThat(a.requests()).isEqualTo(3);
            assertThat(b.requests()).isEqualTo(3);
            long open = client.stats().values().stream().mapToLong(s -> s.created() - s.destroyed()).sum();
            assertThat(open).isLessThanOrEqualTo(1);
        }
    }

    private static List<Throwable> runCallers(TetherClient<String, String> client, int callers, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int caller = c;
            futures.add(pool.submit(() -> {
                for (int n = 0; n < calls; n++) {
                    try {
                        String reply = client.call("echo " + caller + "." + n, CallOptions.timeout(Duration.ofSeconds(10)));
                        assertThat(reply).isEqualTo(caller + "." + n);
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new ArrayList<>(errors);
    }
}
