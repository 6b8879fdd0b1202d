package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Changing a running client's endpoint set ({@link TetherClient#updateEndpoints}) over real sockets, default
 * settings unless a test says otherwise, on a clock moved by hand: an added endpoint takes calls (after warming,
 * when there is a minimum to warm to), a removed one takes no new calls while its calls in flight finish, its
 * connections close as they come back, and it leaves the client once drained or at the drain timeout.
 */
class EndpointSetChangesTest {

    record Changed(List<Endpoint> added, List<Endpoint> removed) {
    }

    @Test
    void anAddedEndpointTakesItsShareAndTheChangeIsReported() throws Exception {
        ManualTime time = new ManualTime();
        List<Changed> changes = new CopyOnWriteArrayList<>();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, a)
                     .listener(new TetherClientListener() {
                         @Override
                         public void endpointsChanged(List<Endpoint> added, List<Endpoint> removed) {
                             changes.add(new Changed(added, removed));
                         }
                     })
                     .build()) {
            assertThat(client.call("echo before")).isEqualTo("before");

            client.updateEndpoints(List.of(a.endpoint(), b.endpoint()));

            assertThat(client.endpoints()).containsExactly(a.endpoint(), b.endpoint());
            assertThat(changes).containsExactly(new Changed(List.of(b.endpoint()), List.of()));
            // P2C among equals: each call goes to B with probability 1/2; none in 100 would be a 1 in 10^30 event.
            for (int i = 0; i < 100; i++) {
                assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
            }
            assertThat(b.requests()).isGreaterThanOrEqualTo(20);
            // The same set again changes nothing.
            client.updateEndpoints(List.of(b.endpoint(), a.endpoint()));
            assertThat(changes).hasSize(1);
        }
    }

    @Test
    void aRemovedEndpointFinishesItsCallsTakesNoNewOnesAndLeavesOnceItsConnectionsAreBack() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, a).build()) {
            Lease<String, String> onA = client.lease();
            assertThat(onA.exchange("echo held")).isEqualTo("held");
            assertThat(client.call("echo idle")).isEqualTo("idle"); // a second connection to A, now idle
            assertThat(client.stats().get(a.endpoint()).idle()).isEqualTo(1);

            client.updateEndpoints(List.of(b.endpoint()));

            assertThat(client.endpoints()).containsExactly(b.endpoint());
            // A's idle connection closed at once; the leased one is still A's, and still works.
            assertThat(client.stats().get(a.endpoint()).idle()).isZero();
            assertThat(Clients.destroyed(client, DestroyReason.ENDPOINT_REMOVED)).isEqualTo(1);
            long aBefore = a.requests();
            for (int i = 0; i < 10; i++) {
                assertThat(client.call("do new-" + i)).isEqualTo("done new-" + i + " 1");
            }
            assertThat(a.requests()).isEqualTo(aBefore);
            assertThat(onA.exchange("echo still")).isEqualTo("still");

            // Draining: A stays in the stats while it has a connection out.
            ManualClients.maintain(client);
            assertThat(client.stats()).containsKey(a.endpoint());

            onA.close();
            assertThat(Clients.destroyed(client, DestroyReason.ENDPOINT_REMOVED)).isEqualTo(2);
            ManualClients.maintain(client);
            assertThat(client.stats()).containsOnlyKeys(b.endpoint());
        }
    }

    @Test
    void aCallStillOnARemovedEndpointAtTheDrainTimeoutHasItsConnectionClosed() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, a).build()) {
            Lease<String, String> onA = client.lease();
            assertThat(onA.exchange("echo held")).isEqualTo("held");
            client.updateEndpoints(List.of(b.endpoint()));

            time.advance(PoolSettings.defaults().drainTimeout().minusMillis(1));
            ManualClients.maintain(client);
            assertThat(client.stats()).containsKey(a.endpoint());
            assertThat(onA.exchange("echo not yet")).isEqualTo("not yet");

            time.advance(Duration.ofMillis(1));
            ManualClients.maintain(client);
            assertThat(client.stats()).containsOnlyKeys(b.endpoint());
            assertThatThrownBy(() -> onA.exchange("echo too late")).isInstanceOf(dev.tether.core.TetherException.class);
            onA.close();
            assertThat(client.call("echo on b")).isEqualTo("on b");
        }
    }

    @Test
    void aCallerQueuedForARemovedEndpointIsServedByAnotherOne() throws Exception {
        ManualTime time = new ManualTime();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             // One connection per endpoint, so a second caller of A must queue behind the lease.
             TetherClient<String, String> client = ManualClients.forServer(time, a)
                     .pool(PoolSettings.builder().maxPerEndpoint(1).build()).build()) {
            Lease<String, String> onA = client.lease();
            Future<String> queued = pool.submit(() -> client.call("do queued"));
            // Network-free but on another thread: wait until the caller is in A's queue.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .untilAsserted(() -> assertThat(client.stats().get(a.endpoint()).waiting()).isOne());

            client.updateEndpoints(List.of(b.endpoint()));

            assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("done queued 1");
            assertThat(b.executions("queued")).isOne();
            assertThat(a.executions("queued")).isZero();
            onA.close();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCallerWaitingForRoomOnARemovedEndpointsSharedConnectionIsServedByAnotherOne() throws Exception {
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             // The scenario: one connection to A shared by two pipelined calls, so a third must wait for room.
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(a.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(1).pipelineDepth(2).build()).build()) {
            a.stall(true); // A reads the two requests and never answers them
            // Longer than the acquire timeout (5s): a waiter not woken by the removal would fail exhausted first.
            CallOptions brief = CallOptions.timeout(Duration.ofSeconds(30));
            CompletableFuture<String> first = client.callAsync("do one", brief);
            CompletableFuture<String> second = client.callAsync("do two", brief);
            // Network events: both requests on A's one shared connection.
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).untilAsserted(() ->
                    assertThat(client.stats().get(a.endpoint()).pipelinedInFlight()).isEqualTo(2));
            java.util.concurrent.FutureTask<String> third = new java.util.concurrent.FutureTask<>(
                    () -> client.call("do third", CallOptions.timeout(Duration.ofSeconds(30))));
            Thread caller = new Thread(third, "third-caller");
            caller.start();
            // It parks waiting for room (nothing else blocks before it has a connection).
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .untilAsserted(() -> assertThat(caller.getState()).isEqualTo(Thread.State.TIMED_WAITING));

            client.updateEndpoints(List.of(b.endpoint()));

            // Woken by the removal (about 30 ms here), not by its wait running out at the acquire timeout (5s,
            // which it did before waiters for room on shared connections were woken).
            long wakeBound = PoolSettings.defaults().acquireTimeout().minusSeconds(1).toMillis();
            assertThat(third.get(wakeBound, TimeUnit.MILLISECONDS)).isEqualTo("done third 1");
            assertThat(b.executions("third")).isOne();
            assertThat(a.executions("third")).isZero();
            a.closeConnections(); // the two stalled calls end now, failed, instead of at their deadlines
            assertThatThrownBy(first::join).hasCauseInstanceOf(dev.tether.core.TetherException.class);
            assertThatThrownBy(second::join).hasCauseInstanceOf(dev.tether.core.TetherException.class);
        }
    }

    @Test
    void anAddedEndpointIsWarmedToTheMinimumIdleBeforeItTakesCalls() throws Exception {
        ManualTime time = new ManualTime();
        CountDownLatch bMayConnect = new CountDownLatch(1);
        SocketConnector plain = SocketConnector.create();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start()) {
            // Connects to B wait for the latch: B stays warming for as long as the test wants.
            Connector connector = (endpoint, deadline) -> {
                if (endpoint.equals(b.endpoint())) {
                    try {
                        bMayConnect.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Connection c = plain.connect(endpoint, deadline);
                return c;
            };
            try (TetherClient<String, String> client = ManualClients.forServer(time, a).connector(connector)
                    // The scenario: a minimum idle count to warm an added endpoint to.
                    .pool(PoolSettings.builder().minIdlePerEndpoint(2).build()).build()) {
                assertThat(client.call("echo first")).isEqualTo("first");
                client.updateEndpoints(List.of(a.endpoint(), b.endpoint()));

                for (int i = 0; i < 30; i++) {
                    assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
                }
                assertThat(b.requests()).as("calls while B warms").isZero();

                bMayConnect.countDown();
                // Network events: B's two warm-up connects, then calls reach it.
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (b.requests() == 0 && System.nanoTime() < giveUp) {
                    client.call("echo later");
                }
                assertThat(b.requests()).isPositive();
                assertThat(client.stats().get(b.endpoint()).created()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void anEndpointAddedBackWhileDrainingKeepsItsConnectionsAndCounts() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, a).build()) {
            Lease<String, String> onA = client.lease();
            onA.exchange("echo x");
            client.updateEndpoints(List.of(b.endpoint()));
            client.updateEndpoints(List.of(a.endpoint(), b.endpoint()));
            onA.close();
            // Back in the set before its connection came home: the connection is kept, not closed.
            assertThat(Clients.destroyed(client, DestroyReason.ENDPOINT_REMOVED)).isZero();
            assertThat(client.stats().get(a.endpoint()).idle()).isOne();
            assertThat(client.stats().get(a.endpoint()).created()).isOne();
        }
    }

    @Test
    void badUpdatesAreRefusedWithAClearError() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer a = FaultyServer.start()) {
            TetherClient<String, String> client = ManualClients.forServer(time, a).build();
            assertThatThrownBy(() -> client.updateEndpoints(List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must not be empty");
            assertThat(client.endpoints()).containsExactly(a.endpoint());
            client.close();
            assertThatThrownBy(() -> client.updateEndpoints(List.of(a.endpoint())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }
}
