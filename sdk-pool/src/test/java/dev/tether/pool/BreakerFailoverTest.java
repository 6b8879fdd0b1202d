package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.FaultyServer.Fault;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two endpoints, default settings. An endpoint that stops accepting connections is skipped without a failed
 * idempotent call and taken back once it listens again; one that accepts connections but fails calls gets its
 * breaker opened, traffic moves to the other, and a half-open probe closes it after recovery. With one endpoint,
 * an open breaker never refuses a call: the outage lasts as long as the endpoint's own.
 */
class BreakerFailoverTest {
    /** How far the clock moves each time a call waits on it (a retry's backoff). */
    private static final Duration STEP = Duration.ofMillis(1);

    record Transition(Endpoint endpoint, BreakerState from, BreakerState to) {
    }

    @Test
    void anUnreachableEndpointIsSkippedWithoutFailedCallsAndTakenBackWhenItListensAgain() throws Exception {
        ManualTime time = new ManualTime();
        FaultyServer a = FaultyServer.start();
        CountDownLatch aDown = new CountDownLatch(1);
        CountDownLatch aBack = new CountDownLatch(1);
        try (FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .listener(new TetherClientListener() {
                         @Override
                         public void endpointUnreachable(Endpoint endpoint, TetherException cause) {
                             if (endpoint.equals(a.endpoint())) {
                                 aDown.countDown();
                             }
                         }

                         @Override
                         public void endpointReachable(Endpoint endpoint, Duration downFor, int failedConnects) {
                             if (endpoint.equals(a.endpoint())) {
                                 aBack.countDown();
                             }
                         }
                     })
                     .build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
            }
            assertThat(a.requests()).isPositive();
            assertThat(b.requests()).isPositive();

            a.stop();
            // Idempotent calls never fail: a call broken on A is retried on B; a refused connect is not even an attempt.
            // A retry backs off on the client's clock: the clock moves only while the call waits for it.
            for (int i = 0; i < 50; i++) {
                String request = "echo " + i;
                assertThat(ManualClients.drive(time, STEP, () -> client.call(request, Clients.idempotent(Duration.ofSeconds(5)))))
                        .isEqualTo(String.valueOf(i));
            }
            // A connect refused (on a caller's thread or the background executor): a network event.
            assertThat(aDown.await(5, TimeUnit.SECONDS)).as("A reported unreachable").isTrue();

            // While A is unreachable no call tries it: B serves non-idempotent calls on their first attempt.
            long bBefore = b.requests();
            long retriesBefore = client.stats().values().stream().mapToLong(EndpointStats::retries).sum();
            for (int i = 0; i < 10; i++) {
                assertThat(client.call("do skip-" + i)).isEqualTo("done skip-" + i + " 1");
            }
            assertThat(b.requests() - bBefore).isEqualTo(10);
            assertThat(client.stats().values().stream().mapToLong(EndpointStats::retries).sum()).isEqualTo(retriesBefore);

            a.restart();
            // The background reconnect is due within one backoff period (at most 240ms by default).
            assertThat(aBack.getCount()).isOne();
            time.advance(Duration.ofMillis(240));
            // Network event: the reconnect connects on the background executor.
            assertThat(aBack.await(5, TimeUnit.SECONDS)).as("A reported reachable again").isTrue();
            // Balancing is random (P2C, default): on a clock that stands still both endpoints cost the same, so each
            // call goes to A with probability 1/2. 100 calls with at least 20 on A fails by chance about once in
            // 10^10 runs (20 calls with at least 5 failed once in 170).
            long aBefore = a.requests();
            for (int i = 0; i < 100; i++) {
                client.call("echo back " + i);
            }
            assertThat(a.requests() - aBefore).isGreaterThanOrEqualTo(20);
        } finally {
            a.close();
        }
    }

    @Test
    void anEndpointFailingCallsGetsItsBreakerOpenedTrafficMovesAndAProbeClosesItAfterRecovery() throws Exception {
        ManualTime time = new ManualTime();
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        try (FaultyServer a = FaultyServer.start();
             FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .listener(new TetherClientListener() {
                         @Override
                         public void breakerStateChanged(Endpoint endpoint, BreakerState from, BreakerState to) {
                             transitions.add(new Transition(endpoint, from, to));
                         }
                     })
                     .build()) {
            // A accepts connections but resets every call: the breaker's business, not reachability's.
            a.nextFaults(Collections.nCopies(500, Fault.RESET).toArray(Fault[]::new));
            for (int i = 0; i < 200 && client.stats().get(a.endpoint()).breakerState() != BreakerState.OPEN; i++) {
                String request = "echo " + i;
                assertThat(ManualClients.drive(time, STEP, () -> client.call(request, Clients.idempotent(Duration.ofSeconds(5)))))
                        .isEqualTo(String.valueOf(i));
            }
            assertThat(client.stats().get(a.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);

            // B is healthy, so A's open breaker keeps calls away from it (its open period starts at 1s).
            long aBefore = a.requests();
            for (int i = 0; i < 10; i++) {
                assertThat(client.call("do open-" + i)).isEqualTo("done open-" + i + " 1");
            }
            assertThat(a.requests()).isEqualTo(aBefore);

            a.clearFaults();
            // Past the longest open period so far: the retries above may have driven the clock through earlier
            // open periods, so the breaker may have tripped more than once (each period twice the last, capped).
            time.advance(CircuitBreakerSettings.defaults().maxOpenDuration().multipliedBy(6).dividedBy(5).plusMillis(1));
            for (int i = 0; client.stats().get(a.endpoint()).breakerState() != BreakerState.CLOSED; i++) {
                // About half the calls reach A (P2C among equals); three probes on A within 60 calls fail to
                // happen about once in 10^15 runs.
                assertThat(i).as("calls before the breaker closed").isLessThan(60);
                client.call("echo probe", Clients.idempotent(Duration.ofSeconds(5)));
            }
            assertThat(transitions).filteredOn(t -> t.endpoint().equals(a.endpoint()))
                    .extracting(Transition::to)
                    .containsSubsequence(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED);
            assertThat(transitions).noneMatch(t -> t.endpoint().equals(b.endpoint()));
        }
    }

    @Test
    void withOneEndpointAnOpenBreakerNeverRefusesACallSoRecoveryIsImmediate() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server).build()) {
            server.nextFaults(Collections.nCopies(500, Fault.RESET).toArray(Fault[]::new));
            for (int i = 0; i < 200 && client.stats().get(server.endpoint()).breakerState() != BreakerState.OPEN; i++) {
                String request = "echo " + i;
                try {
                    ManualClients.drive(time, STEP, () -> client.call(request, Clients.idempotent(Duration.ofSeconds(5))));
                } catch (TetherException expected) {
                    // Every attempt is reset; retries run out.
                }
            }
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);
            server.clearFaults();
            // No CircuitOpenException and no wait for the open period: the very next call goes through.
            long start = time.nanoTime();
            assertThat(client.call("echo right away")).isEqualTo("right away");
            assertThat(time.nanoTime()).as("no time passed on the client's clock").isEqualTo(start);
        }
    }
}
