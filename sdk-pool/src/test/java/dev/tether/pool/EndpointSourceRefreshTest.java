package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A client fed by an {@link EndpointSource}, on a clock moved by hand: the source is asked at build time and
 * every refresh interval; a good answer replaces the set, a failed or empty one keeps the last good set (asked
 * again after 1s, 2s, ... up to the interval) and shows in the status; a client whose source never answered
 * starts anyway and its calls wait for endpoints within their deadline.
 *
 * <p>The source here is a test double answering from a field (what a registry client would hand over); the
 * endpoints behind it are real servers.
 */
class EndpointSourceRefreshTest {
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    /** Answers whatever the test put in {@code answer}, or throws {@code failure} when set; counts its calls. */
    static final class FieldSource implements EndpointSource {
        final AtomicReference<List<Endpoint>> answer = new AtomicReference<>(List.of());
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final AtomicInteger asked = new AtomicInteger();
        /** Each ask, after it returned or threw: how the test knows the background refresh ran. */
        final BlockingQueue<Integer> done = new ArrayBlockingQueue<>(100);

        @Override
        public List<Endpoint> resolve() throws Exception {
            try {
                Exception f = failure.get();
                if (f != null) {
                    throw f;
                }
                return answer.get();
            } finally {
                done.add(asked.incrementAndGet());
            }
        }

        @Override
        public Duration refreshInterval() {
            return INTERVAL;
        }

        @Override
        public String description() {
            return "field source";
        }

        /** Waits for the ask made when the client was built. */
        void awaitAsk() throws InterruptedException {
            assertThat(done.poll(10, TimeUnit.SECONDS)).as("the source was asked").isNotNull();
        }

        /**
         * Waits for the background refresh the clock just made due to finish, the next one scheduled (a thread
         * hand-off, not a timing guess): only then may the test move the clock again.
         */
        void awaitRefresh(TetherClient<?, ?> client) throws InterruptedException {
            awaitAsk();
            long want = ++refreshes;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).untilAsserted(() ->
                    assertThat(ManualClients.core(client).completedEndpointRefreshes()).isEqualTo(want));
        }

        private long refreshes;
    }

    @Test
    void theSourceIsAskedEveryIntervalAndEachAnswerReplacesTheSet() throws Exception {
        ManualTime time = new ManualTime();
        FieldSource source = new FieldSource();
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start()) {
            source.answer.set(List.of(a.endpoint()));
            try (TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                    .endpointSource(source).build()) {
                source.awaitAsk();
                assertThat(client.endpoints()).containsExactly(a.endpoint());
                assertThat(client.call("echo 1")).isEqualTo("1");

                source.answer.set(List.of(b.endpoint()));
                time.advance(INTERVAL.minusMillis(1));
                assertThat(source.asked).hasValue(1);
                time.advance(Duration.ofMillis(1));
                source.awaitRefresh(client);
                awaitEndpoints(client, List.of(b.endpoint()));
                assertThat(client.call("do on-b")).isEqualTo("done on-b 1");
                assertThat(b.executions("on-b")).isOne();

                EndpointSourceStatus status = client.endpointSourceStatus().orElseThrow();
                assertThat(status.source()).isEqualTo("field source");
                assertThat(status.endpoints()).containsExactly(b.endpoint());
                assertThat(status.consecutiveFailures()).isZero();
                assertThat(status.lastSuccess()).isPresent();
                assertThat(status.refreshInterval()).isEqualTo(INTERVAL);
            }
        }
    }

    @Test
    void aFailedOrEmptyAnswerKeepsTheLastGoodSetAndIsAskedAgainSooner() throws Exception {
        ManualTime time = new ManualTime();
        FieldSource source = new FieldSource();
        AtomicReference<Exception> reported = new AtomicReference<>();
        try (FaultyServer a = FaultyServer.start()) {
            source.answer.set(List.of(a.endpoint()));
            try (TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                    .endpointSource(source)
                    .listener(new TetherClientListener() {
                        @Override
                        public void endpointSourceFailed(String s, Exception error, List<Endpoint> keeping) {
                            reported.set(error);
                        }
                    }).build()) {
                source.awaitAsk();
                source.failure.set(new java.net.UnknownHostException("no such name"));
                time.advance(INTERVAL);
                source.awaitRefresh(client);
                // Still serving the last good set.
                assertThat(client.endpoints()).containsExactly(a.endpoint());
                assertThat(client.call("echo kept")).isEqualTo("kept");
                assertThat(reported.get()).hasMessage("no such name");
                EndpointSourceStatus status = client.endpointSourceStatus().orElseThrow();
                assertThat(status.consecutiveFailures()).isOne();
                assertThat(status.lastError()).contains("no such name");

                // Asked again after 1s, then 2s (not the whole interval).
                time.advance(Duration.ofSeconds(1));
                source.awaitRefresh(client);
                time.advance(Duration.ofSeconds(2));
                source.awaitRefresh(client);
                assertThat(client.endpointSourceStatus().orElseThrow().consecutiveFailures()).isEqualTo(3);

                // An empty answer is a failure too.
                source.failure.set(null);
                source.answer.set(List.of());
                time.advance(Duration.ofSeconds(4));
                source.awaitRefresh(client);
                assertThat(client.endpoints()).containsExactly(a.endpoint());
                assertThat(client.endpointSourceStatus().orElseThrow().lastError().orElseThrow()).contains("no endpoints");

                source.answer.set(List.of(a.endpoint()));
                time.advance(Duration.ofSeconds(8));
                source.awaitRefresh(client);
                awaitFailures(client, 0);
            }
        }
    }

    @Test
    void withoutAFirstAnswerTheClientStartsAndCallsWaitForEndpointsWithinTheirDeadline() throws Exception {
        ManualTime time = new ManualTime();
        FieldSource source = new FieldSource();
        source.failure.set(new java.net.UnknownHostException("not yet"));
        try (FaultyServer a = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                     .endpointSource(source).build()) {
            source.awaitAsk();
            assertThat(client.endpoints()).isEmpty();
            assertThat(client.stats()).isEmpty();

            // A call that fails fast learns why at once, naming the source and its error.
            assertThatThrownBy(() -> client.call("echo x", CallOptions.timeout(Duration.ofSeconds(5)).failFast()))
                    .isInstanceOf(NoEndpointsException.class)
                    .hasMessageContaining("field source").hasMessageContaining("not yet")
                    .satisfies(e -> assertThat(((NoEndpointsException) e).requestNotSent()).isTrue());

            // A call that waits is served once the source answers (its retry 1s later).
            CompletableFuture<String> waiting = client.callAsync("do late", CallOptions.timeout(Duration.ofSeconds(5)));
            source.failure.set(null);
            source.answer.set(List.of(a.endpoint()));
            time.advance(Duration.ofSeconds(1));
            source.awaitRefresh(client);
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("done late 1");
        }
    }

    @Test
    void fixedEndpointsAndASourceAreNotCombined() {
        FieldSource source = new FieldSource();
        assertThatThrownBy(() -> TetherClient.builder(Clients.CODEC).endpoint("127.0.0.1:1").endpointSource(source).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one or the other");
    }

    private static void awaitEndpoints(TetherClient<?, ?> client, List<Endpoint> expected) {
        // The answer is applied right after the source returns, on the same background thread.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                .untilAsserted(() -> assertThat(client.endpoints()).isEqualTo(expected));
    }

    private static void awaitFailures(TetherClient<?, ?> client, int expected) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).untilAsserted(() ->
                assertThat(client.endpointSourceStatus().orElseThrow().consecutiveFailures()).isEqualTo(expected));
    }
}
