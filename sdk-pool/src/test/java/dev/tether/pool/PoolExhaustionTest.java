package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.RequestState;
import dev.tether.core.SocketConnector;
import dev.tether.core.TimedOutException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When every connection is lent out, a caller gets a typed error after the acquire timeout, and the pool recovers. */
class PoolExhaustionTest {

    @Test
    void aFullPoolFailsTypedAfterTheAcquireTimeoutAndRecovers() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2)
                             .acquireTimeout(Duration.ofMillis(200)).maintenanceInterval(Duration.ofMillis(50)).build())
                     .build()) {
            Lease<String, String> first = client.lease();
            Lease<String, String> second = client.lease();
            long requestsBefore = server.requests();

            long start = System.nanoTime();
            PoolExhaustedException e = catchThrowableOfType(PoolExhaustedException.class,
                    () -> client.call("echo never sent", CallOptions.timeout(Duration.ofSeconds(5)).idempotent()));
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e).isNotNull().isInstanceOf(TimedOutException.class);
            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.ACQUIRE);
            assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(e.active()).isEqualTo(2);
            assertThat(e.getMessage()).contains("2/2 open", "active 2", "idle 0", server.endpoint().toString());
            // Waited for the acquire timeout, once: exhaustion is not retried against the same pool, and says so.
            assertThat(e.isRetryable()).isFalse();
            assertThat(client.stats().get(server.endpoint()).retries()).isZero();
            assertThat(waitedMillis).isGreaterThanOrEqualTo(200);
            assertThat(server.requests()).isEqualTo(requestsBefore);

            first.close();
            assertThat(client.call("echo recovered")).isEqualTo("recovered");
            second.close();
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(2);
        }
    }

    @Test
    void theCallDeadlineBoundsTheWaitWhenItIsShorter() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(30)).build())
                     .build();
             Lease<String, String> held = client.lease()) {
            long start = System.nanoTime();
            PoolExhaustedException e = catchThrowableOfType(PoolExhaustedException.class,
                    () -> client.call("echo x", CallOptions.timeout(Duration.ofMillis(150))));
            assertThat(e).isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(held.exchange("echo still mine")).isEqualTo("still mine");
        }
    }

    /**
     * A connection that dies between its connect and its first use is a failed connect (not sent, retried),
     * not an exhausted pool. The connector closes a real connection before handing it over, to make that race
     * happen every time.
     */
    @Test
    void aNewConnectionThatClosesBeforeItsFirstUseIsAFailedConnectNotAnExhaustedPool() throws Exception {
        AtomicInteger connects = new AtomicInteger();
        SocketConnector real = SocketConnector.create();
        Connector closesFirstTwo = (endpoint, deadline) -> {
            Connection c = real.connect(endpoint, deadline);
            if (connects.incrementAndGet() <= 2) {
                c.close();
            }
            return c;
        };
        List<TetherException> unreachable = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                     .connector(closesFirstTwo)
                     .listener(new TetherClientListener() {
                         @Override
                         public void endpointUnreachable(Endpoint endpoint, TetherException cause) {
                             unreachable.add(cause);
                         }
                     })
                     .build()) {
            // Not an attempt and not a full pool: a failed connect, after which the call waits for a good one.
            assertThat(client.call("echo lost", CallOptions.timeout(Duration.ofSeconds(5)))).isEqualTo("lost");
            assertThat(connects).hasValue(3);
            assertThat(unreachable).first().isInstanceOf(ConnectFailedException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("closed before its first use"))
                    .satisfies(e -> assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT));
            assertThat(client.stats().get(server.endpoint()).retries()).isZero();
        }
    }
}
