package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.PipelineServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Faults in the middle of a pipeline, against a server that counts what it executed: requests answered succeed,
 * requests written and unanswered fail MAY_HAVE_BEEN_SENT (and only idempotent ones are sent again), requests
 * never written fail NOT_SENT, are never executed there, and go out again on another connection. Also: requests
 * queued behind a blocked write go out together in one write.
 */
class PipelineFaultsTest {
    private static final LineCodec CODEC = LineCodec.builder().maxLineLength(32 * 1024 * 1024).build();
    /** Far more than loopback socket buffers hold (they grow to a few MiB), so its write blocks. */
    private static final int BIG = 24 * 1024 * 1024;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    /** One connection (so every caller shares it), up to 8 requests in flight on it. */
    private static TetherClient.Builder<String, String> sharingOne(PipelineServer server) {
        return TetherClient.builder(CODEC).endpoint(server.endpoint())
                .pool(PoolSettings.builder().maxPerEndpoint(1).pipelineDepth(8).build());
    }

    @ParameterizedTest
    @EnumSource(value = PipelineServer.Fault.class, names = {"RESET", "CLOSE"})
    void answeredSucceedWrittenOnesMayHaveBeenSentAndOnlyIdempotentOnesGoAgain(PipelineServer.Fault fault)
            throws Exception {
        try (PipelineServer server = PipelineServer.start().afterAnswering(2, 6, fault);
             TetherClient<String, String> client = sharingOne(server).build()) {
            Map<String, Future<String>> calls = new ConcurrentHashMap<>();
            for (int i = 0; i < 6; i++) {
                String id = "r" + i;
                boolean idempotent = i % 2 == 0;
                calls.put(id, callers.submit(() -> client.call("do " + id,
                        CallOptions.timeout(Duration.ofSeconds(20)).idempotent(idempotent))));
            }
            int succeeded = 0;
            int failed = 0;
            for (int i = 0; i < 6; i++) {
                String id = "r" + i;
                Throwable failure = failureOf(calls.get(id));
                if (failure == null) {
                    succeeded++;
                    assertThat(calls.get(id).get()).isEqualTo("done " + id);
                    assertThat(server.executions(id)).as(id).isEqualTo(1);
                } else {
                    failed++;
                    assertThat(i % 2).as("only non-idempotent calls may fail: " + failure).isEqualTo(1);
                    assertThat(((TetherException) failure).requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
                    assertThat(server.executions(id)).as(id).isZero(); // the server never got to it
                }
            }
            // Two answered on the first connection; the other four were written and unanswered: the three
            // idempotent among all six always succeed (retried where needed), non-idempotent ones only if answered.
            assertThat(server.executedOn(0)).hasSize(2);
            assertThat(failed).isBetween(1, 3);
            assertThat(succeeded + failed).isEqualTo(6);
            assertThat(client.stats().get(server.endpoint()).destroyed()).isEqualTo(1);
        }
    }

    @Test
    void oneBrokenSharedConnectionIsOneFailureOfItsEndpointNotOnePerRequestOnIt() throws Exception {
        // Eight requests in flight on one connection that the server resets after answering one: seven callers
        // fail, but the breaker hears of one failure (the caller whose read failed), so it stays closed; counted
        // per request, the default five consecutive failures would have opened it.
        try (PipelineServer server = PipelineServer.start().afterAnswering(1, 8, PipelineServer.Fault.RESET);
             TetherClient<String, String> client = sharingOne(server).build()) {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String id = "r" + i;
                calls.add(callers.submit(() -> client.call("do " + id, CallOptions.timeout(Duration.ofSeconds(20)))));
            }
            int failed = 0;
            for (Future<String> call : calls) {
                if (failureOf(call) != null) {
                    failed++;
                }
            }
            assertThat(failed).isEqualTo(7);
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
            assertThat(client.call("do after", CallOptions.timeout(Duration.ofSeconds(20)))).isEqualTo("done after");
        }
    }

    @Test
    void requestsQueuedBehindABlockedWriteGoOutTogetherInOneWrite() throws Exception {
        try (PipelineServer server = PipelineServer.withSmallReceiveBuffer(4096).holdReadingAfterFirstRequest();
             TetherClient<String, String> client = smallBuffers(sharingOne(server)).build()) {
            assertThat(client.call("tag warm")).isEqualTo("warm 0");
            server.awaitReadingHeld();
            // Far more than the socket buffers hold: the writer blocks while the server does not read.
            String big = "x".repeat(BIG);
            Future<String> a = callers.submit(() -> client.call("tag a " + big));
            // Its bytes reach the server, which does not read them: it is writing, and cannot finish.
            awaitTrue(() -> server.bytesWaitingWhileHeld() > 0, "the large request arriving");
            List<Future<String>> queued = new ArrayList<>();
            for (String id : List.of("b", "c", "d")) {
                queued.add(callers.submit(() -> client.call("tag " + id)));
            }
            awaitInFlight(client, server, 4);
            server.resumeReading();
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo("a " + big.length());
            assertThat(queued.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("b 0");
            assertThat(queued.get(1).get(30, TimeUnit.SECONDS)).isEqualTo("c 0");
            assertThat(queued.get(2).get(30, TimeUnit.SECONDS)).isEqualTo("d 0");
            EndpointStats s = client.stats().get(server.endpoint());
            // warm-up, the big one, then b, c and d in one write.
            assertThat(s.pipelinedRequests()).isEqualTo(5);
            assertThat(s.pipelineWrites()).isEqualTo(3);
            assertThat(s.destroyed()).isZero();
        }
    }

    @Test
    void requestsNeverWrittenFailNotSentAreNotExecutedThereAndGoOutOnAnotherConnection() throws Exception {
        try (PipelineServer server = PipelineServer.withSmallReceiveBuffer(4096).holdReadingAfterFirstRequest();
             TetherClient<String, String> client = smallBuffers(sharingOne(server)).build()) {
            assertThat(client.call("tag warm")).isEqualTo("warm 0");
            server.awaitReadingHeld();
            String big = "x".repeat(BIG);
            Future<String> a = callers.submit(() -> client.call("do a " + big)); // not idempotent
            // Its bytes reach the server, which does not read them: it is writing, and cannot finish.
            awaitTrue(() -> server.bytesWaitingWhileHeld() > 0, "the large request arriving");
            List<Future<String>> queued = new ArrayList<>();
            for (String id : List.of("b", "c", "d")) {
                queued.add(callers.submit(() -> client.call("do " + id))); // not idempotent either
            }
            awaitInFlight(client, server, 4);
            server.resetAll();
            Throwable aFailure = failureOf(a);
            assertThat(aFailure).isInstanceOf(TetherException.class);
            assertThat(((TetherException) aFailure).requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            for (int i = 0; i < 3; i++) {
                String id = List.of("b", "c", "d").get(i);
                assertThat(queued.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("done " + id);
                assertThat(server.executions(id)).as(id).isEqualTo(1);
            }
            assertThat(server.executedOn(0)).isEmpty(); // nothing NOT_SENT ran on the reset connection
            assertThat(server.executions("a")).isZero();
            assertThat(client.stats().get(server.endpoint()).retries()).isEqualTo(3);
        }
    }

    @Test
    void aCallerWaitingForByteRoomJoinsAsSoonAsTheQueuedBytesAreTakenForWriting() throws Exception {
        try (PipelineServer server = PipelineServer.withSmallReceiveBuffer(4096).holdReadingAfterFirstRequest();
             // One connection whose queue holds at most 1 KiB waiting to be written: the bound under test. On a
             // clock the test moves (and never does), so a waiting caller cannot time out, retry and get in that way.
             TetherClient<String, String> client = smallBuffers(ManualClients.on(new ManualTime(),
                     TetherClient.builder(CODEC)).endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(1).pipelineDepth(8).pipelineMaxQueuedBytes(1024)
                             .build())).build()) {
            assertThat(client.call("tag warm")).isEqualTo("warm 0");
            server.awaitReadingHeld();
            // Replies held at gates, so no reply is read (which would also make room) until the test says.
            String gateA = "a" + "x".repeat(BIG);
            String gateB = "b" + "y".repeat(2048);
            Future<String> a = callers.submit(() -> client.call("wait " + gateA));
            awaitTrue(() -> server.bytesWaitingWhileHeld() > 0, "the large request arriving");
            Future<String> b = callers.submit(() -> client.call("wait " + gateB)); // queued: 2 KiB, over the bound
            awaitInFlight(client, server, 2);
            Future<String> c = callers.submit(() -> client.call("tag c"));
            awaitTrue(() -> client.stats().get(server.endpoint()).waiting() == 1, "the third caller waiting for room");

            server.resumeReading();
            // The writer finishes the large request and takes b's bytes for its next write: room again, and the
            // waiting caller is told so then, not only when a reply is read.
            awaitInFlight(client, server, 3);
            assertThat(client.stats().get(server.endpoint()).waiting()).isZero();
            server.open(gateA);
            server.open(gateB);
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo("opened " + gateA);
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo("opened " + gateB);
            assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("c 0");
            assertThat(client.stats().get(server.endpoint()).destroyed()).isZero();
        }
    }

    @ParameterizedTest(name = "lease discarded: {0}")
    @ValueSource(booleans = {false, true})
    void aCallerWaitingForRoomTakesTheConnectionOrRoomAnExclusiveCallerGivesBack(boolean discarded) throws Exception {
        try (PipelineServer server = PipelineServer.start();
             // Two connections, two requests in flight on a shared one. On a clock the test never moves, so the
             // waiting caller cannot time out, retry and get in that way.
             TetherClient<String, String> client = ManualClients.on(new ManualTime(), TetherClient.builder(CODEC))
                     .endpoint(server.endpoint())
                     .pool(PoolSettings.builder().maxPerEndpoint(2).pipelineDepth(2).build()).build()) {
            Lease<String, String> lease = client.lease(); // one connection held exclusively
            // The other one shared and full, its replies held at gates until the test opens them. A long timeout:
            // their socket reads are guarded on the real clock, and the test must not depend on how fast it runs.
            CallOptions held = CallOptions.timeout(Duration.ofMinutes(5));
            Future<String> a = null;
            Future<String> b = null;
            try {
                assertThat(lease.exchange("tag lease")).isEqualTo("lease 0");
                a = callers.submit(() -> client.call("wait a", held));
                b = callers.submit(() -> client.call("wait b", held));
                awaitInFlight(client, server, 2);
                awaitTrue(() -> client.stats().get(server.endpoint()).waiting() == 0, "a and b admitted");
                Future<String> c = callers.submit(() -> client.call("tag c"));
                awaitTrue(() -> client.stats().get(server.endpoint()).waiting() == 1,
                        "the third caller waiting for room");

                // The exclusive connection comes back idle (or is destroyed, which makes room for a new one):
                // the waiting caller is told, takes it (or a new one) and shares it, rather than sleeping until
                // a held reply makes room.
                if (discarded) {
                    lease.discard(); // closing it then destroys the connection
                }
                lease.close();
                assertThat(c.get(30, TimeUnit.SECONDS)).isEqualTo("c 0");
                EndpointStats s = client.stats().get(server.endpoint());
                assertThat(s.pipelinedInFlight()).as("a and b still held (c did not wait for their room): %s", s)
                        .isEqualTo(2);
                assertThat(s.created()).isEqualTo(discarded ? 3 : 2);
            } finally {
                // Whatever happened: closing the client waits for the calls in flight and the lease, on a clock
                // that never moves.
                lease.close();
                server.open("a");
                server.open("b");
            }
            assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo("opened a");
            assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo("opened b");
            assertThat(client.stats().get(server.endpoint()).destroyed()).isEqualTo(discarded ? 1 : 0);
        }
    }

    /** Small socket buffers, so a large write blocks while the server holds its reading (the scenario). */
    private static TetherClient.Builder<String, String> smallBuffers(TetherClient.Builder<String, String> b) {
        return b.transport(TransportOptions.builder().sendBufferSize(4096).receiveBufferSize(4096).build());
    }

    private static void awaitInFlight(TetherClient<String, String> client, PipelineServer server, int n)
            throws InterruptedException {
        awaitTrue(() -> client.stats().get(server.endpoint()).pipelinedInFlight() == n,
                "requests in flight on the shared connection: " + n);
    }

    /** Polls a condition the test cannot be told about (a write blocked in the kernel); a safety net of 30s. */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(condition::getAsBoolean);
    }

    static Throwable failureOf(Future<?> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }
}
