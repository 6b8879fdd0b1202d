package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.testing.PipelineServer;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelining under stress, over real sockets: 64 callers with requests of 0 to 64 KiB share a few connections,
 * and every reply reaches the caller it belongs to (each carries the caller's own tag). Over plain TCP against a
 * server that answers with the tag and the payload length, and over mutual TLS against Tether's TLS echo server.
 */
class PipelineOrderingTest {
    private static final int CALLERS = 64;
    private static final int CALLS_EACH = 40;
    private static final int MAX_PAYLOAD = 64 * 1024;
    /** Lines up to the largest payload plus its tag. */
    private static final LineCodec CODEC = LineCodec.builder().maxLineLength(MAX_PAYLOAD + 64).build();

    @TempDir
    Path dir;

    @Test
    void everyReplyReachesItsOwnCallerOverTcp() throws Exception {
        try (PipelineServer server = PipelineServer.start();
             // Pipelining is opt-in (the scenario under test); 4 connections so several callers share each one.
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(4).pipelineDepth(16).build()).build()) {
            List<String> wrong = stress(client, (tag, payload) -> tag + " " + payload.length());
            assertThat(wrong).isEmpty();
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isLessThanOrEqualTo(4);
            assertThat(s.pipelinedRequests()).isEqualTo((long) CALLERS * CALLS_EACH);
            assertThat(s.destroyed()).isZero();
            assertThat(s.pipelinedInFlight()).isZero();
        }
    }

    @Test
    void everyReplyReachesItsOwnCallerOverMutualTls() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     .tls(certs.mutualClientConfig().build())
                     .pool(PoolSettings.builder().maxPerEndpoint(4).pipelineDepth(16).build()).build()) {
            List<String> wrong = stress(client, (tag, payload) -> "tag " + tag + " " + payload);
            assertThat(wrong).isEmpty();
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.pipelinedRequests()).isEqualTo((long) CALLERS * CALLS_EACH);
            assertThat(s.destroyed()).isZero();
        }
    }

    @Test
    void twoEndpointsEachShareTheirConnectionsAndCountsReturnToZero() throws Exception {
        try (PipelineServer a = PipelineServer.start(); PipelineServer b = PipelineServer.start();
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(a.endpoint())
                     .endpoint(b.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(2).pipelineDepth(8).build()).build()) {
            List<String> wrong = stress(client, (tag, payload) -> tag + " " + payload.length());
            assertThat(wrong).isEmpty();
            long total = 0;
            for (EndpointStats s : client.stats().values()) {
                assertThat(s.pipelinedRequests()).as(s.endpoint().toString()).isPositive();
                assertThat(s.inFlight()).as("calls in flight after the run").isZero();
                assertThat(s.pipelinedInFlight()).isZero();
                assertThat(s.destroyed()).isZero();
                total += s.pipelinedRequests();
            }
            assertThat(total).isEqualTo((long) CALLERS * CALLS_EACH);
        }
    }

    private interface Expected {
        String reply(String tag, String payload);
    }

    /** Runs the callers; returns a description of every reply that was not its caller's (none, we hope). */
    private static List<String> stress(TetherClient<String, String> client, Expected expected) throws Exception {
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            int caller = c;
            Thread t = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(caller);
                try {
                    start.await();
                    for (int i = 0; i < CALLS_EACH; i++) {
                        String tag = "c" + caller + "-" + i;
                        int size = random.nextInt(8) == 0 ? random.nextInt(MAX_PAYLOAD + 1) : random.nextInt(200);
                        String payload = "x".repeat(size);
                        String reply = client.call("tag " + tag + " " + payload);
                        String want = expected.reply(tag, payload);
                        if (!reply.equals(want)) {
                            wrong.add(tag + " got " + reply.substring(0, Math.min(60, reply.length())));
                        }
                    }
                } catch (Exception e) {
                    wrong.add("caller " + caller + " failed: " + e);
                }
            }, "caller-" + c);
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(t.isAlive()).as("caller still running after 2 minutes").isFalse();
        }
        return new ArrayList<>(wrong);
    }
}
