package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.RequestState;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.ForwardingConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A call whose deadline passes before its request is written (queued too long on the async executor, or
 * while its connection was being checked) times out without sending, and the healthy pooled connection it
 * took goes back to the pool. The write used to refuse at once (WRITE timeout) and the client destroyed the
 * connection as BROKEN: under overload every late caller closed a good connection, forcing reconnects (TLS
 * handshakes) exactly when the service was slowest.
 */
class DeadlinePassedBeforeSendingTest {

    @Test
    void anAsyncCallQueuedPastItsDeadlineTimesOutWithoutTouchingThePool() throws Exception {
        ManualTime time = new ManualTime();
        List<Runnable> queued = new ArrayList<>();
        // An executor that runs tasks only when the test says so: a saturated async pool, made deterministic.
        Executor held = queued::add;
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server).asyncExecutor(held).build()) {
            CompletableFuture<String> warm = client.callAsync("echo warm");
            queued.remove(0).run();
            assertThat(warm.join()).isEqualTo("warm");

            Deadline deadline = Deadline.after(Duration.ofMillis(50), time);
            CompletableFuture<String> late = client.callAsync("echo late", CallOptions.defaults().withDeadline(deadline));
            time.advance(Duration.ofMillis(49));
            assertThat(deadline.isExpired()).isFalse();
            time.advance(Duration.ofMillis(1)); // queued until its deadline passed
            queued.remove(0).run();

            Throwable failure = catchThrowable(late::join);
            assertThat(failure).isInstanceOf(CompletionException.class);
            assertThat(failure.getCause()).isInstanceOf(TimedOutException.class);
            TimedOutException timeout = (TimedOutException) failure.getCause();
            assertThat(timeout.phase()).isEqualTo(TimedOutException.Phase.CALL);
            assertThat(timeout.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(server.linesReceived()).isEqualTo(1);

            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.destroyed(DestroyReason.BROKEN)).as("the healthy connection was not destroyed").isZero();
            assertThat(s.inFlight()).isZero();
            CompletableFuture<String> next = client.callAsync("echo next");
            queued.remove(0).run();
            assertThat(next.join()).isEqualTo("next");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(1);
        }
    }

    @Test
    void aDeadlinePassingWhileTheConnectionIsCheckedGivesItBackAndTimesOutInAcquire() throws Exception {
        ManualTime time = new ManualTime();
        AtomicReference<Duration> slowCheck = new AtomicReference<>();
        SocketConnector plain = SocketConnector.create();
        // A real connection whose liveness check is slow on demand (a GC pause, a busy core): the armed time passes
        // on the client's clock during the check, which then answers as a healthy connection does.
        Connector connector = (endpoint, deadline) -> new ForwardingConnection(plain.connect(endpoint, deadline)) {
            @Override
            public int readAvailable(ByteBuffer dst) throws TetherException {
                Duration takes = slowCheck.getAndSet(null);
                if (takes != null) {
                    time.advance(takes);
                }
                return super.readAvailable(dst);
            }
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .connector(connector)
                     // Every reuse is checked, so the call below meets the slow check.
                     .pool(PoolSettings.builder().maxPerEndpoint(1).validateAfterInactivity(Duration.ZERO).build())
                     .build()) {
            assertThat(client.call("echo 1")).isEqualTo("1");

            Deadline deadline = Deadline.after(Duration.ofMillis(100), time);
            slowCheck.set(Duration.ofMillis(100));
            Throwable failure = catchThrowable(() -> client.call("echo 2",
                    CallOptions.defaults().withDeadline(deadline).idempotent()));

            assertThat(failure).isInstanceOf(TimedOutException.class);
            TimedOutException timeout = (TimedOutException) failure;
            assertThat(timeout.phase()).isEqualTo(TimedOutException.Phase.ACQUIRE);
            assertThat(timeout.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(server.linesReceived()).isEqualTo(1);

            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.destroyed(DestroyReason.BROKEN)).as("the healthy connection was not destroyed").isZero();
            assertThat(s.breakerState()).isEqualTo(BreakerState.CLOSED);
            assertThat(client.call("echo 3")).isEqualTo("3");
            s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(1);
            assertThat(Clients.accountingBalances(s)).isTrue();
        }
    }
}
