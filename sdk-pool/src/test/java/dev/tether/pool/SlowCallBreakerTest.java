package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.ForwardingConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that still answers correctly but too slowly gets its breaker opened by the slow-call rate alone
 * (no call fails), traffic moves to a fast endpoint, and once the endpoint is fast again half-open probes close
 * the breaker and it takes calls again.
 */
class SlowCallBreakerTest {

    record Transition(Endpoint endpoint, BreakerState from, BreakerState to) {
    }

    /** Longer than the default slow-call threshold (5 s): free, since the clock is moved by hand. */
    private static final Duration SLOW_REPLY = CircuitBreakerSettings.defaults().slowCallDuration().plusSeconds(1);

    @Test
    void slowEndpointOpensItsBreakerTrafficMovesAndItClosesOnceFastAgain() throws Exception {
        ManualTime time = new ManualTime();
        AtomicBoolean slowReplies = new AtomicBoolean();
        try (FaultyServer slow = FaultyServer.start(); FaultyServer fast = FaultyServer.start()) {
            SocketConnector plain = SocketConnector.create();
            // The slow endpoint takes SLOW_REPLY on the client's clock to answer each request while slowReplies is
            // on: the time passes while the request is on the wire, so it counts in the call's duration exactly.
            Connector connector = (endpoint, deadline) -> {
                Connection real = plain.connect(endpoint, deadline);
                if (!endpoint.equals(slow.endpoint())) {
                    return real;
                }
                return new ForwardingConnection(real) {
                    @Override
                    public void write(ByteBuffer src, Deadline d) throws TetherException {
                        boolean request = !StandardCharsets.UTF_8.decode(src.duplicate()).toString().startsWith("PING");
                        super.write(src, d);
                        if (request && slowReplies.get()) {
                            time.advance(SLOW_REPLY);
                        }
                    }
                };
            };
            List<Transition> transitions = new CopyOnWriteArrayList<>();
            TetherClientListener listener = new TetherClientListener() {
                @Override
                public void breakerStateChanged(Endpoint endpoint, BreakerState from, BreakerState to) {
                    transitions.add(new Transition(endpoint, from, to));
                }
            };
            try (TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                    .endpoint(slow.endpoint()).endpoint(fast.endpoint())
                    .connector(connector)
                    .loadBalancing(LoadBalancing.ROUND_ROBIN)
                    // A small window, so a few calls show the slow-call rule.
                    .circuitBreaker(CircuitBreakerSettings.builder().slowCallRateThreshold(50)
                            .slidingWindowSize(8).minimumCalls(4).halfOpenCalls(2).build())
                    .listener(listener)
                    .build()) {
                for (int i = 0; i < 10; i++) {
                    assertThat(client.call("echo warm " + i)).isEqualTo("warm " + i);
                }
                assertThat(slow.requests()).isPositive();
                assertThat(fast.requests()).isPositive();
                assertThat(client.stats().get(slow.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);

                slowReplies.set(true);
                // Every call still succeeds with the right answer: only its duration can open the breaker. The
                // slow endpoint's window holds its 5 fast warm-up calls: 4 slow ones reach the 50% rate.
                long slowBefore = slow.requests();
                for (int i = 0; client.stats().get(slow.endpoint()).breakerState() != BreakerState.OPEN; i++) {
                    assertThat(i).as("calls before the breaker opened").isLessThan(40);
                    assertThat(client.call("echo slow " + i)).isEqualTo("slow " + i);
                }
                assertThat(slow.requests() - slowBefore).isEqualTo(4);
                assertThat(client.stats().get(fast.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
                assertThat(client.stats().get(slow.endpoint()).retries()).isZero();

                // While open the slow endpoint sees nothing: the fast one serves every call on the first attempt.
                slowBefore = slow.requests();
                long fastBefore = fast.requests();
                for (int i = 0; i < 20; i++) {
                    assertThat(client.call("do open-" + i)).isEqualTo("done open-" + i + " 1");
                }
                assertThat(slow.requests()).isEqualTo(slowBefore);
                assertThat(fast.requests() - fastBefore).isEqualTo(20);
                assertThat(client.stats().get(slow.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);

                slowReplies.set(false);
                // Past the longest first open period (jitter lengthens it by up to a fifth): probes are let through.
                time.advance(CircuitBreakerSettings.defaults().openDuration().multipliedBy(6).dividedBy(5).plusMillis(1));
                for (int i = 0; client.stats().get(slow.endpoint()).breakerState() != BreakerState.CLOSED; i++) {
                    // Round robin: two calls reach the slow endpoint within four; its two probes close it.
                    assertThat(i).as("calls before the breaker closed").isLessThan(4);
                    client.call("echo probe");
                }
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
