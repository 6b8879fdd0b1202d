package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A retry the rules allow but the retry budget refuses is not made, and
 * {@link TetherClientListener#retryThrottled} says so; with budget to spare the same failure is retried.
 */
class RetryBudgetThrottlingTest {

    @Test
    void anEmptyBudgetRefusesTheRetryAndTheListenerHearsOfIt() throws Exception {
        Recorder events = new Recorder();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).listener(events)
                     // A stricter budget than the default, not a looser one: no share of calls, no reserve.
                     .retry(RetrySettings.builder().budgetRatio(0).budgetMinRetriesPerSecond(0).build())
                     .build()) {
            server.nextFaults(FaultyServer.Fault.DROP);
            TetherException e = catchThrowableOfType(TetherException.class,
                    () -> client.call("echo dropped", Clients.idempotent(Duration.ofSeconds(10))));

            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(events.throttled).singleElement().satisfies(t -> {
                assertThat(t.endpoint()).isEqualTo(server.endpoint());
                assertThat(t.failure()).isSameAs(e);
            });
            assertThat(events.scheduled).isEmpty();
            assertThat(server.requests()).isEqualTo(1);
            assertThat(client.stats().get(server.endpoint()).retries()).isZero();
        }
    }

    @Test
    void withBudgetToSpareTheSameFailureIsRetried() throws Exception {
        Recorder events = new Recorder();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).listener(events).build()) {
            server.nextFaults(FaultyServer.Fault.DROP);
            assertThat(client.call("echo dropped", Clients.idempotent(Duration.ofSeconds(10)))).isEqualTo("dropped");
            assertThat(events.throttled).isEmpty();
            assertThat(events.scheduled).hasSize(1);
            assertThat(server.requests()).isEqualTo(2);
        }
    }

    private record Throttled(Endpoint endpoint, TetherException failure) {
    }

    private static final class Recorder implements TetherClientListener {
        final List<Throttled> throttled = new CopyOnWriteArrayList<>();
        final List<TetherException> scheduled = new CopyOnWriteArrayList<>();

        @Override
        public void retryThrottled(Endpoint endpoint, TetherException failure) {
            throttled.add(new Throttled(endpoint, failure));
        }

        @Override
        public void retryScheduled(Endpoint endpoint, int failedAttempt, TetherException failure, Duration backoff) {
            scheduled.add(failure);
        }
    }
}
