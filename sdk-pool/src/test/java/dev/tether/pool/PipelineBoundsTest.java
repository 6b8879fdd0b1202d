package dev.tether.pool;

import static dev.tether.pool.PipelineFaultsTest.awaitTrue;
import static dev.tether.pool.PipelineFaultsTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RequestState;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.PipelineServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bounds and upkeep of shared connections, on a clock the test moves: no more than {@code pipelineDepth}
 * requests in flight on one connection, a new call joins the least loaded one, a call finding every connection
 * full waits for room up to the acquire timeout and then fails NOT_SENT; and maintenance never pings or checks a
 * connection with requests in flight.
 */
class PipelineBoundsTest {
    private static final LineCodec CODEC = LineCodec.builder().ping("PING", "PONG").build();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final ManualTime time = new ManualTime();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void depthBoundsEachConnectionAndAFullPoolMakesCallersWaitThenFailNotSent() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(CODEC))
                     .endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(2).pipelineDepth(2)
                             .acquireTimeout(Duration.ofSeconds(5)).build()).build()) {
            List<Future<String>> held = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String gate = "g" + i;
                held.add(callers.submit(() -> client.call("wait " + gate, CallOptions.timeout(Duration.ofSeconds(60)))));
                int n = i;
                awaitTrue(() -> client.stats().get(server.endpoint()).pipelinedInFlight() == n, n + " in flight");
            }
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.sharedConnections()).isEqualTo(2); // 2 + 2: each connection at its depth
            assertThat(s.created()).isEqualTo(2);
            // A fifth caller finds both full and no room for a third connection: it waits for room.
            // On each connection one caller reads (in a socket read) and the other waits on the clock for its reply.
            awaitTrue(() -> time.parkedThreads() == 2, "the second caller of each connection waiting");
            Future<String> fifth = callers.submit(() -> client.call("tag five", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> time.parkedThreads() == 3, "the fifth caller waiting for room");
            time.advance(Duration.ofSeconds(6));
            Throwable f = failureOf(fifth);
            assertThat(f).isInstanceOf(PoolExhaustedException.class);
            assertThat(((PoolExhaustedException) f).requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(f.getMessage()).as("what the caller waited on").contains("2/2 open (active 2, idle 0")
                    .contains("pipelined (depth 2): 2 shared connection(s) with 4 request(s) in flight, "
                            + "0 being handed back, 0 caller(s) taking a connection for sharing");
            // Room again once one request is answered: the next caller joins that connection, not a new one.
            server.open("g1");
            assertThat(held.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            Future<String> sixth = callers.submit(() -> client.call("tag six", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> client.stats().get(server.endpoint()).pipelinedInFlight() == 4, "the sixth joining");
            for (int i = 2; i <= 4; i++) {
                server.open("g" + i);
                assertThat(held.get(i - 1).get(30, TimeUnit.SECONDS)).isEqualTo("opened g" + i);
            }
            assertThat(sixth.get(30, TimeUnit.SECONDS)).isEqualTo("six 0");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(2);
        }
    }

    @Test
    void aNewCallJoinsTheLeastLoadedSharedConnection() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(CODEC))
                     .endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(2).pipelineDepth(3).build()).build()) {
            // Fill the first connection (3), then one on a second; a fifth call must go to the second (1 < 3 ... 2).
            List<Future<String>> held = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String gate = "g" + i;
                held.add(callers.submit(() -> client.call("wait " + gate, CallOptions.timeout(Duration.ofSeconds(60)))));
                int n = i;
                awaitTrue(() -> client.stats().get(server.endpoint()).pipelinedInFlight() == n, n + " in flight");
            }
            assertThat(client.stats().get(server.endpoint()).sharedConnections()).isEqualTo(2);
            // Answer g1: the first connection has 2 in flight, the second 1; two more calls both go to the second.
            server.open("g1");
            assertThat(held.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            Future<String> a = callers.submit(() -> client.call("wait g5", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> client.stats().get(server.endpoint()).pipelinedInFlight() == 4, "a joining");
            // If a had joined the first connection, it would be queued behind g2 and g3; on the second it is
            // behind g4 only: opening g4 and g5 answers it while g2 and g3 still hold the first.
            server.open("g4");
            server.open("g5");
            assertThat(held.get(3).get(30, TimeUnit.SECONDS)).isEqualTo("opened g4");
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo("opened g5");
            assertThat(held.get(1).isDone()).isFalse();
            server.open("g2");
            server.open("g3");
            assertThat(held.get(2).get(30, TimeUnit.SECONDS)).isEqualTo("opened g3");
        }
    }

    @Test
    void maintenanceNeverPingsAConnectionWithRequestsInFlight() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(CODEC))
                     .endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(1).pipelineDepth(4).build()).build()) {
            Future<String> x = callers.submit(() -> client.call("wait g1", CallOptions.timeout(Duration.ofMinutes(10))));
            awaitTrue(() -> server.linesReceived() == 1, "x at the server");
            // Far past the keep-alive interval and the idle limit, with maintenance running all along.
            for (int i = 0; i < 5; i++) {
                time.advance(PoolSettings.defaults().keepAliveInterval());
                ManualClients.maintain(client);
            }
            assertThat(server.pings()).isZero();
            assertThat(client.stats().get(server.endpoint()).destroyed()).isZero();
            server.open("g1");
            assertThat(x.get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            // Given back once nothing is in flight: now it is idle, and the next keep-alive pings it.
            awaitTrue(() -> client.stats().get(server.endpoint()).idle() == 1, "the connection back in the pool");
            time.advance(PoolSettings.defaults().keepAliveInterval());
            ManualClients.maintain(client);
            assertThat(server.pings()).isEqualTo(1);
        }
    }
}
