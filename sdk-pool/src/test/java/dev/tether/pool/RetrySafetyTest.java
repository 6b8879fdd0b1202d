package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Endpoint;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.FaultyServer.Fault;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Which failures are retried: by whether the request may have been sent, idempotency, and the kind of failure. */
class RetrySafetyTest {

    @Test
    void aNonIdempotentCallWhoseFateIsUnknownFailsTypedAndRunsOnce() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            server.nextFaults(Fault.EXECUTE_THEN_DROP);
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class, () -> client.call("do once"));
            assertThat(e).isNotNull();
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(server.executions("once")).isEqualTo(1);
            assertThat(server.requests()).isEqualTo(1);
        }
    }

    @Test
    void anIdempotentCallIsRetriedAfterTheSameFailure() throws Exception {
        List<Duration> backoffs = new CopyOnWriteArrayList<>();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .listener(new TetherClientListener() {
                         @Override
                         public void retryScheduled(Endpoint endpoint, int failedAttempt, TetherException failure,
                                                    Duration backoff) {
                             backoffs.add(backoff);
                         }
                     }).build()) {
            server.nextFaults(Fault.EXECUTE_THEN_DROP, Fault.RESET);
            assertThat(client.call("do twice", Clients.idempotent(Duration.ofSeconds(5)))).isEqualTo("done twice 2");
            assertThat(backoffs).hasSize(2).allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(Duration.ofMillis(100)));
            assertThat(client.stats().get(server.endpoint()).retries()).isEqualTo(2);
            assertThat(Clients.destroyed(client, DestroyReason.BROKEN)).isEqualTo(2);
        }
    }

    @Test
    void aRefusedConnectIsNotAnAttemptANonIdempotentCallWaitsForTheServerAndRunsOnce() throws Exception {
        FaultyServer server = FaultyServer.start();
        java.util.concurrent.CountDownLatch unreachable = new java.util.concurrent.CountDownLatch(1);
        try (TetherClient<String, String> client = Clients.forServer(server)
                .listener(new TetherClientListener() {
                    @Override
                    public void endpointUnreachable(Endpoint endpoint, TetherException cause) {
                        unreachable.countDown();
                    }
                })
                .build()) {
            server.stop();
            java.util.concurrent.CompletableFuture<String> call = client.callAsync("do once",
                    CallOptions.timeout(Duration.ofSeconds(10)));
            assertThat(unreachable.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(call).isNotDone();
            server.restart();
            assertThat(call.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done once 1");
            assertThat(server.executions("once")).isEqualTo(1);
            assertThat(client.stats().get(server.endpoint()).retries()).as("waiting is not retrying").isZero();
        } finally {
            server.close();
        }
    }

    @Test
    void aFailFastCallFailsAtOnceWithTheRefusalAndADefaultCallAtItsDeadlineSayingWhy() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                .endpoint(Endpoint.of("127.0.0.1", port)).build()) {
            long start = System.nanoTime();
            ConnectFailedException fast = catchThrowableOfType(ConnectFailedException.class,
                    () -> client.call("do x", CallOptions.timeout(Duration.ofSeconds(5)).failFast()));
            assertThat(fast).isNotNull();
            assertThat(fast.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(fast.getCause()).isInstanceOf(ConnectFailedException.class)
                    .satisfies(c -> assertThat(((ConnectFailedException) c).reason())
                            .isEqualTo(ConnectFailedException.Reason.REFUSED));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

            EndpointUnavailableException waited = catchThrowableOfType(EndpointUnavailableException.class,
                    () -> client.call("do y", CallOptions.timeout(Duration.ofMillis(600))));
            assertThat(waited).isNotNull();
            assertThat(waited.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(waited.isRetryable()).isFalse();
            assertThat(waited.phase()).isEqualTo(dev.tether.core.TimedOutException.Phase.CONNECT);
            assertThat(waited.failedConnects()).isGreaterThan(1);
            assertThat(waited.getCause()).isInstanceOf(ConnectFailedException.class);
            assertThat(waited.getMessage()).contains("unreachable since").contains("connection refused");
        }
    }

    @Test
    void protocolViolationsAreNeverRetried() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            server.nextFaults(Fault.OVERLONG);
            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> client.call("echo x", Clients.idempotent(Duration.ofSeconds(5))));
            assertThat(e).isNotNull();
            assertThat(server.requests()).isEqualTo(1);
            assertThat(Clients.destroyed(client, DestroyReason.BROKEN)).isEqualTo(1);
            assertThat(client.call("echo fine")).isEqualTo("fine");
        }
    }

    @Test
    void aRequestTheCodecRefusesKeepsTheConnection() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            assertThat(client.call("echo first")).isEqualTo("first");
            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> client.call("echo two\nlines", Clients.idempotent(Duration.ofSeconds(5))));
            assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(client.call("echo after")).isEqualTo("after");
            assertThat(server.accepted()).isEqualTo(1);
        }
    }

    @Test
    void theRetryBudgetStopsARetryStorm() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .retry(RetrySettings.builder().maxAttempts(5).initialBackoff(Duration.ofMillis(1))
                             .budgetRatio(0).budgetMinRetriesPerSecond(1).build())
                     .build()) {
            Fault[] drops = new Fault[25];
            java.util.Arrays.fill(drops, Fault.DROP);
            server.nextFaults(drops);
            int failures = 0;
            for (int i = 0; i < 5; i++) {
                try {
                    client.call("echo doomed", Clients.idempotent(Duration.ofSeconds(5)));
                } catch (TetherException expected) {
                    failures++;
                }
            }
            assertThat(failures).isEqualTo(5);
            // The reserve is 1 retry/s over a 10s window: 10 retries at most, not 5 calls x 4 retries.
            assertThat(server.requests()).isLessThanOrEqualTo(5 + 10);
            assertThat(ManualClients.core(client).retriesThrottled()).isPositive();
        }
    }
}
