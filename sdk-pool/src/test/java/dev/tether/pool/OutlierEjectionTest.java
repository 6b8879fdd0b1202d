package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.TetherException;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.FaultyServer.Fault;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/**
 * Outlier ejection over real sockets, on a clock moved by hand (a retry's backoff moves it while the call waits):
 * an endpoint answering with protocol errors is out within a second and back after it recovers; one failing far
 * more often than the others (but under the breaker's own threshold) is ejected by the maintenance run; a lone
 * endpoint is never kept from calls.
 */
class OutlierEjectionTest {
    private static final Duration STEP = Duration.ofMillis(1);

    @Test
    void anEndpointAnsweringGarbageIsEjectedWithinASecondAndTakenBackAfterItRecovers() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer bad = FaultyServer.start(); FaultyServer b = FaultyServer.start(); FaultyServer c = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                     .endpoint(bad.endpoint()).endpoint(b.endpoint()).endpoint(c.endpoint()).build()) {
            for (int i = 0; i < 30; i++) {
                client.call("echo warm " + i);
            }
            // Every reply from now on is longer than the codec allows: a protocol violation on each attempt.
            bad.nextFaults(Collections.nCopies(1000, Fault.OVERLONG).toArray(Fault[]::new));
            long start = time.nanoTime();
            int failedCalls = 0;
            for (int i = 0; client.stats().get(bad.endpoint()).breakerState() != BreakerState.OPEN; i++) {
                assertThat(i).as("calls before the endpoint was ejected").isLessThan(200);
                try {
                    client.call("echo " + i, Clients.idempotent(Duration.ofSeconds(5)));
                } catch (dev.tether.core.ProtocolViolationException garbage) {
                    failedCalls++; // a reply the codec rejects is not retried: another endpoint would not fix it
                }
            }
            // Ejected after the consecutive-failures limit, with no time passing in between (well within a second).
            assertThat(failedCalls).isEqualTo(CircuitBreakerSettings.defaults().consecutiveFailures());
            assertThat(Duration.ofNanos(time.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

            // Out: the others serve non-idempotent calls on their first attempt.
            long badBefore = bad.requests();
            for (int i = 0; i < 20; i++) {
                assertThat(client.call("do out-" + i)).isEqualTo("done out-" + i + " 1");
            }
            assertThat(bad.requests()).isEqualTo(badBefore);

            bad.clearFaults();
            // Past the longest open period the retries above may have grown it to.
            time.advance(CircuitBreakerSettings.defaults().maxOpenDuration().multipliedBy(6).dividedBy(5).plusMillis(1));
            // Probes reach it with about a third of the calls (P2C among three); three successes close it. 120
            // calls without three probes would be a 1 in 10^17 event.
            for (int i = 0; client.stats().get(bad.endpoint()).breakerState() != BreakerState.CLOSED; i++) {
                assertThat(i).as("calls before it was taken back").isLessThan(120);
                client.call("echo probe " + i, Clients.idempotent(Duration.ofSeconds(5)));
            }
            long back = bad.requests();
            for (int i = 0; i < 100; i++) {
                client.call("echo back " + i);
            }
            assertThat(bad.requests() - back).as("calls on the recovered endpoint").isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void anEndpointFailingFarMoreOftenThanTheOthersIsEjectedByTheMaintenanceRun() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer bad = FaultyServer.start(); FaultyServer b = FaultyServer.start(); FaultyServer c = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(Clients.CODEC))
                     .endpoint(bad.endpoint()).endpoint(b.endpoint()).endpoint(c.endpoint())
                     // The scenario isolates the failure-rate rule: no run of failures may trip the breaker first.
                     .circuitBreaker(CircuitBreakerSettings.builder().consecutiveFailures(0).build())
                     // Maintenance runs only when the test says, so the rule's window is exactly the calls below.
                     .pool(PoolSettings.builder().maintenanceInterval(Duration.ofHours(1)).build())
                     .build()) {
            ManualClients.maintain(client); // the outlier rule counts from here
            // Many of the bad endpoint's replies are faulted (seeded; about a third of its attempts fail, some faults
            // only spoil the connection for its next use): under the breaker's own 50% threshold, far above the
            // others' none.
            bad.randomFaults(0.6, 7);
            for (int i = 0; i < 90; i++) {
                String request = "echo " + i;
                try {
                    assertThat(ManualClients.drive(time, STEP, () -> client.call(request, Clients.idempotent(Duration.ofSeconds(5)))))
                            .isEqualTo(String.valueOf(i));
                } catch (dev.tether.core.ProtocolViolationException garbage) {
                    // An overlong reply: not retried (another endpoint would not fix what the codec rejects).
                }
            }
            assertThat(client.stats().get(bad.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
            assertThat(bad.faultsInjected()).isPositive();

            ManualClients.maintain(client);

            assertThat(client.stats().get(bad.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);
            assertThat(client.stats().get(b.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
            assertThat(client.stats().get(c.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
        }
    }

    @Test
    void aLoneEndpointIsNeverKeptFromCalls() throws Exception {
        ManualTime time = new ManualTime();
        try (FaultyServer only = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, only).build()) {
            only.nextFaults(Collections.nCopies(1000, Fault.OVERLONG).toArray(Fault[]::new));
            for (int i = 0; i < 20; i++) {
                long before = only.requests();
                try {
                    client.call("echo " + i);
                } catch (TetherException expected) {
                    // The reply is garbage; not idempotent, so not retried.
                }
                assertThat(only.requests()).as("call %d reached the endpoint", i).isEqualTo(before + 1);
                ManualClients.maintain(client);
            }
            only.clearFaults();
            assertThat(client.call("echo fine")).isEqualTo("fine");
        }
    }
}
