package dev.tether.pool;

import static dev.tether.pool.PipelineFaultsTest.awaitTrue;
import static dev.tether.pool.PipelineFaultsTest.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.RequestState;
import dev.tether.core.TimedOutException;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.PipelineServer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deadlines on a shared connection, on a clock the test moves: a caller whose deadline passes leaves with
 * MAY_HAVE_BEEN_SENT, its late reply is read and dropped and the callers behind it get their own; when nobody is
 * left to read such a reply the connection is closed rather than reused. Also: leases and exclusive calls never
 * share, and the default (depth 1) never pipelines.
 */
class PipelineDeadlinesTest {
    private static final LineCodec CODEC = LineCodec.create();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final ManualTime time = new ManualTime();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    private TetherClient.Builder<String, String> sharing(PipelineServer server, int connections) {
        return ManualClients.on(time, TetherClient.builder(CODEC)).endpoint(server.endpoint())
                .pool(PoolSettings.builder().maxPerEndpoint(connections).pipelineDepth(8).build());
    }

    @Test
    void aLateReplyIsReadAndDroppedAndTheCallersBehindGetTheirOwn() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = sharing(server, 1).build()) {
            Future<String> x = callers.submit(() -> client.call("wait g1", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> server.linesReceived() == 1, "x at the server");
            // y goes out behind x (same connection) and gives up first.
            Future<String> y = callers.submit(() -> client.call("do y", CallOptions.timeout(Duration.ofSeconds(1))));
            awaitTrue(() -> time.parkedThreads() == 1, "y waiting for its reply");
            time.advance(Duration.ofSeconds(2));
            Throwable yFailure = failureOf(y);
            assertThat(yFailure).isInstanceOf(TimedOutException.class);
            assertThat(((TimedOutException) yFailure).requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            Future<String> z = callers.submit(() -> client.call("tag z", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> time.parkedThreads() == 1, "z waiting behind x and y");
            server.open("g1");
            assertThat(x.get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            assertThat(z.get(30, TimeUnit.SECONDS)).isEqualTo("z 0"); // not y's "done y"
            assertThat(server.executions("y")).isEqualTo(1); // it did run: MAY_HAVE_BEEN_SENT was the honest answer
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(1);
            assertThat(s.destroyed()).isZero();
            assertThat(client.call("tag again")).isEqualTo("again 0");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(1);
        }
    }

    @Test
    void aConnectionWithOnlyAbandonedRequestsLeftIsClosedNotReused() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = sharing(server, 1).build()) {
            Future<String> x = callers.submit(() -> client.call("wait g1", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> server.linesReceived() == 1, "x at the server");
            Future<String> y = callers.submit(() -> client.call("wait g2", CallOptions.timeout(Duration.ofSeconds(1))));
            awaitTrue(() -> time.parkedThreads() == 1, "y waiting for its reply");
            time.advance(Duration.ofSeconds(2));
            assertThat(failureOf(y)).isInstanceOf(TimedOutException.class);
            server.open("g1");
            assertThat(x.get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            // y's reply may never come: nobody waits for it, so the connection goes instead of being reused.
            awaitTrue(() -> client.stats().get(server.endpoint()).destroyed(DestroyReason.BROKEN) == 1, "closed");
            server.open("g2");
            assertThat(client.call("tag next")).isEqualTo("next 0");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(2);
        }
    }

    @Test
    void leasesAndExclusiveCallsNeverShareButOtherCallsDo() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = sharing(server, 2).build()) {
            Future<String> x = callers.submit(() -> client.call("wait g1", CallOptions.timeout(Duration.ofSeconds(60))));
            awaitTrue(() -> server.linesReceived() == 1, "x at the server");
            // Shared, each would wait behind x; exclusive, they get the other connection and return now.
            assertThat(client.call("tag e", CallOptions.defaults().exclusive())).isEqualTo("e 0");
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("tag l")).isEqualTo("l 0");
            }
            Future<String> w = callers.submit(() -> client.call("tag w"));
            awaitTrue(() -> client.stats().get(server.endpoint()).pipelinedInFlight() == 2, "w joining x");
            assertThat(w.isDone()).isFalse(); // in line behind x on the shared connection
            server.open("g1");
            assertThat(x.get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo("w 0");
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.pipelinedRequests()).isEqualTo(2); // x and w; not e, not the lease's
        }
    }

    @Test
    void theDefaultDepthOfOneNeverShares() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(CODEC))
                     .endpoint(server.endpoint()).build()) {
            Future<String> x = callers.submit(() -> client.call("wait g1"));
            awaitTrue(() -> server.linesReceived() == 1, "x at the server");
            assertThat(client.call("tag a")).isEqualTo("a 0"); // its own connection
            server.open("g1");
            assertThat(x.get(30, TimeUnit.SECONDS)).isEqualTo("opened g1");
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.pipelinedRequests()).isZero();
            assertThat(s.sharedConnections()).isZero();
        }
    }
}
