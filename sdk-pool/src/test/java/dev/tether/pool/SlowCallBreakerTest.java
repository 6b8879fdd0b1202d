package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that still answers correctly but too slowly gets its breaker opened by the slow-call rate alone
 * (no call fails), traffic moves to a fast endpoint, and once the endpoint is fast again half-open probes close
 * the breaker and it takes calls again.
 */
class SlowCallBreakerTest {

    record Transition(Endpoint endpoint, BreakerState from, BreakerState to) {
    }

    /**
     * Well above what a fast loopback call takes even on a loaded machine: at 50 ms a GC pause or a descheduled
     * thread made a warm-up call or a half-open probe count as slow (the breaker opened early, or re-opened).
     */
    private static final Duration SLOW_CALL = Duration.ofMillis(200);
    /** Well above {@link #SLOW_CALL} so a loaded machine cannot blur which calls were slow. */
    private static final Duration SLOW_REPLY = Duration.ofMillis(600);

    @Test
    void slowEndpointOpensItsBreakerTrafficMovesAndItClosesOnceFastAgain() throws Exception {
        try (FaultyServer slow = FaultyServer.start(); FaultyServer fast = FaultyServer.start()) {
            List<Transition> transitions = new CopyOnWriteArrayList<>();
            TetherClientListener listener = new TetherClientListener() {
                @Override
                public void breakerStateChanged(Endpoint endpoint, BreakerState from, BreakerState to) {
                    transitions.add(new Transition(endpoint, from, to));
                }
            };
            try (TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                    .endpoint(slow.endpoint()).endpoint(fast.endpoint())
                    .loadBalancing(LoadBalancing.ROUND_ROBIN)
                    // A small window and a short slow-call threshold: the default 5s threshold would need
                    // replies slower than 5s to show the slow-call rule in a unit test.
                    .circuitBreaker(CircuitBreakerSettings.builder()
                            .slowCallDuration(SLOW_CALL).slowCallRateThreshold(50)
                            .slidingWindowSize(8).minimumCalls(4)
                            .openDuration(Duration.ofSeconds(2)).halfOpenCalls(2).build())
                    .listener(listener)
                    .build()) {
                for (int i = 0; i < 10; i++) {
                    assertThat(client.call("echo warm " + i)).isEqualTo("warm " + i);
                }
                assertThat(slow.requests()).isPositive();
                assertThat(fast.requests()).isPositive();
                assertThat(client.stats().get(slow.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);

                slow.replyDelay(SLOW_REPLY);
                // Every call still succeeds with the right answer: only its duration can open the breaker.
                AtomicInteger n = new AtomicInteger();
                await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            int i = n.getAndIncrement();
                            assertThat(client.call("echo slow " + i)).isEqualTo("slow " + i);
                            return client.stats().get(slow.endpoint()).breakerState() == BreakerState.OPEN;
                        });
                assertThat(client.stats().get(fast.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
                assertThat(client.stats().get(slow.endpoint()).retries()).isZero();

                // While open the slow endpoint sees nothing: the fast one serves every call on the first attempt.
                long slowBefore = slow.requests();
                long fastBefore = fast.requests();
                for (int i = 0; i < 20; i++) {
                    assertThat(client.call("do open-" + i)).isEqualTo("done open-" + i + " 1");
                }
                assertThat(slow.requests()).isEqualTo(slowBefore);
                assertThat(fast.requests() - fastBefore).isEqualTo(20);
                assertThat(client.stats().get(slow.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);

                slow.replyDelay(Duration.ZERO);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    client.call("echo probe");
                    return client.stats().get(slow.endpoint()).breakerState() == BreakerState.CLOSED;
                });
                long slowAfterRecovery = slow.requests();
                for (int i = 0; i < 10; i++) {
                    assertThat(client.call("echo back " + i)).isEqualTo("back " + i);
                }
                assertThat(slow.requests()).isGreaterThan(slowAfterRecovery);
                assertThat(client.stats().get(slow.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
            }
            assertThat(transitions).filteredOn(t -> t.endpoint().equals(slow.endpoint()))
                    .extracting(Transition::to)
                    .containsExactly(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
            assertThat(transitions).noneMatch(t -> t.endpoint().equals(fast.endpoint()));
        }
    }
}
