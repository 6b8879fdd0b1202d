package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With two endpoints, a dead one gets its breaker opened, traffic moves to the healthy one without callers
 * noticing, and after the dead one comes back a half-open probe closes its breaker again.
 */
class BreakerFailoverTest {

    record Transition(Endpoint endpoint, BreakerState from, BreakerState to) {
    }

    @Test
    void breakerOpensOnADeadEndpointTrafficMovesAndItClosesAfterRecovery() throws Exception {
        FaultyServer a = FaultyServer.start();
        try (FaultyServer b = FaultyServer.start()) {
            List<Transition> transitions = new CopyOnWriteArrayList<>();
            TetherClientListener listener = new TetherClientListener() {
                @Override
                public void breakerStateChanged(Endpoint endpoint, BreakerState from, BreakerState to) {
                    transitions.add(new Transition(endpoint, from, to));
                }
            };
            try (TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                    .endpoint(a.endpoint()).endpoint(b.endpoint())
                    .circuitBreaker(CircuitBreakerSettings.builder().slidingWindowSize(10).minimumCalls(5)
                            // Long enough that the calls checking "nothing tries A while open" finish inside it.
                            .openDuration(Duration.ofSeconds(4)).halfOpenCalls(2).build())
                    .retry(RetrySettings.builder().initialBackoff(Duration.ofMillis(5)).build())
                    .listener(listener)
                    .build()) {
                for (int i = 0; i < 20; i++) {
                    assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
                }
                assertThat(a.requests()).isPositive();
                assertThat(b.requests()).isPositive();

                a.stop();
                // Idempotent calls never fail: a refused connect to A is retried on B.
                for (int i = 0; i < 50; i++) {
                    assertThat(client.call("echo " + i, Clients.idempotent(Duration.ofSeconds(5)))).isEqualTo(String.valueOf(i));
                }
                assertThat(client.stats().get(a.endpoint()).breakerState()).isIn(BreakerState.OPEN, BreakerState.HALF_OPEN);

                // While A's breaker is open no call even tries it: B serves all of them on the first attempt.
                await().atMost(Duration.ofSeconds(5)).until(() -> client.stats().get(a.endpoint()).breakerState() == BreakerState.OPEN);
                long bBefore = b.requests();
                long retriesBefore = client.stats().get(a.endpoint()).retries();
                for (int i = 0; i < 10; i++) {
                    assertThat(client.call("do open-" + i)).isEqualTo("done open-" + i + " 1");
                }
                assertThat(b.requests() - bBefore).isEqualTo(10);
                assertThat(client.stats().get(a.endpoint()).retries()).isEqualTo(retriesBefore);

                a.restart();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    client.call("echo probe", Clients.idempotent(Duration.ofSeconds(5)));
                    return client.stats().get(a.endpoint()).breakerState() == BreakerState.CLOSED;
                });
                long aBefore = a.requests();
                for (int i = 0; i < 20; i++) {
                    client.call("echo back " + i);
                }
                assertThat(a.requests()).isGreaterThan(aBefore);
            }
            assertThat(transitions).filteredOn(t -> t.endpoint().equals(a.endpoint()))
                    .extracting(Transition::to)
                    .containsSubsequence(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
            assertThat(transitions).noneMatch(t -> t.endpoint().equals(b.endpoint()));
        } finally {
            a.close();
        }
    }

    /** With every breaker open, the error tells the caller how long to wait, and after that wait a probe gets through. */
    @Test
    void anOpenBreakerSaysWhenTheNextProbeIsAllowed() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .circuitBreaker(CircuitBreakerSettings.builder().slidingWindowSize(5).minimumCalls(5)
                             .openDuration(Duration.ofSeconds(1)).halfOpenCalls(1).build())
                     .retry(RetrySettings.builder().initialBackoff(Duration.ofMillis(1)).build())
                     .build()) {
            server.stop();
            CircuitOpenException open = null;
            for (int i = 0; i < 50 && open == null; i++) {
                try {
                    client.call("echo down", CallOptions.timeout(Duration.ofSeconds(5)));
                } catch (CircuitOpenException e) {
                    open = e;
                } catch (dev.tether.core.ConnectFailedException expected) {
                    // Refused connects fill the breaker's window until it opens.
                }
            }
            assertThat(open).as("the breaker opened").isNotNull();
            assertThat(open.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(open.getMessage()).contains("next probe allowed in");

            server.restart();
            long waitUntil = System.nanoTime() + open.retryAfter().toNanos();
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - waitUntil >= 0);
            assertThat(client.call("echo after the wait")).isEqualTo("after the wait");
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
        }
    }
}
