package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.ForwardingConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Opening a lease settles the breaker permission it took whatever goes wrong, an {@link Error} included, as a
 * call does. A half-open breaker admits only a few probes; a probe never settled kept it half-open and refusing
 * every later attempt, for good.
 */
class LeaseBreakerPermissionTest {

    /** Stands for an Error out of the transport (say an OutOfMemoryError while decrypting). */
    private static final class InjectedError extends Error {
        InjectedError() {
            super("injected transport error");
        }
    }

    @Test
    void aHalfOpenProbeLeaseThatFailsWithAnErrorLeavesTheBreakerUsable() throws Exception {
        AtomicBoolean faulty = new AtomicBoolean();
        SocketConnector plain = SocketConnector.create();
        // While faulty, the Error comes out of checking a pooled connection and out of making a new one, so every
        // lease fails with it whichever connection it would have taken.
        Connector connector = (endpoint, deadline) -> {
            if (faulty.get()) {
                throw new InjectedError();
            }
            return new ForwardingConnection(plain.connect(endpoint, deadline)) {
                @Override
                public int readAvailable(ByteBuffer dst) throws TetherException {
                    if (faulty.get()) {
                        throw new InjectedError();
                    }
                    return super.readAvailable(dst);
                }
            };
        };
        ManualTime time = new ManualTime();
        Duration openDuration = CircuitBreakerSettings.defaults().openDuration();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .connector(connector)
                     // One attempt per call and a small breaker with one half-open probe: the test drives the
                     // breaker to half-open with exactly two failures and checks the probe permission a lease
                     // takes is settled.
                     .retry(RetrySettings.none())
                     .circuitBreaker(CircuitBreakerSettings.builder().slidingWindowSize(2).minimumCalls(2)
                             .failureRateThreshold(50).halfOpenCalls(1).build())
                     // Every reuse checked (so each lease meets the faulty check); maintenance kept out of the
                     // breaker's open period, since its own check of the idle connection would meet the Error too.
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2)
                             .validateAfterInactivity(Duration.ZERO)
                             .maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            time.runDue(); // the first maintenance run, with nothing to check yet
            Lease<String, String> kept = client.lease();
            assertThat(kept.exchange("echo 0")).isEqualTo("0");
            server.nextFaults(FaultyServer.Fault.DROP);
            try {
                client.call("echo 1");
            } catch (TetherException expected) {
                // The dropped request: one success and one failure open the breaker.
            }
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);
            kept.close();

            // Leases whose check of the pooled connection fails with an Error. With one endpoint the open breaker
            // does not refuse them (it never lengthens an outage); once its open period ends, one of them is the
            // half-open probe, whose permission must be settled even though it failed with an Error: the breaker
            // then stays half-open, ready for the next probe, instead of holding an unsettled permission for good.
            faulty.set(true);
            assertThatThrownBy(client::lease).isInstanceOf(InjectedError.class);
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.OPEN);
            // Past the longest first open period (jitter lengthens it by up to a fifth): the next lease is the probe.
            time.advance(openDuration.multipliedBy(6).dividedBy(5).plusMillis(1));
            assertThatThrownBy(client::lease).isInstanceOf(InjectedError.class);
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.HALF_OPEN);
            faulty.set(false);

            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("echo 2")).isEqualTo("2");
            }
            assertThat(client.stats().get(server.endpoint()).breakerState()).isEqualTo(BreakerState.CLOSED);
        }
    }
}
