package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A listener that fails with an Error (an assertion in a test listener, a metrics library missing at run time:
 * NoClassDefFoundError) is logged and ignored like one that throws an exception. It used to escape the connect:
 * the new connection was never closed (a socket leak), the caller's permits were never given back and
 * commons-pool2 kept counting the connection, so with maxPerEndpoint 1 every later call failed with
 * PoolExhaustedException.
 */
class FailingListenerTest {

    @Test
    void aListenerFailingWithAnErrorBreaksNeitherTheCallNorThePool() throws Exception {
        AtomicInteger created = new AtomicInteger();
        TetherClientListener failing = new TetherClientListener() {
            @Override
            public void connectionCreated(Endpoint endpoint, Duration connectTime) {
                created.incrementAndGet();
                throw new NoClassDefFoundError("io/example/metrics/Counter (injected)");
            }

            @Override
            public void connectionDestroyed(Endpoint endpoint, DestroyReason reason) {
                throw new AssertionError("injected");
            }
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                     .listener(failing)
                     // One attempt per call: a retry would open another connection and hide the leaked one the
                     // connection count below looks for.
                     .retry(RetrySettings.none())
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).acquireTimeout(Duration.ofMillis(500))
                             .maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            assertThat(client.call("echo 1", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("1");
            assertThat(client.call("echo 2", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("2");
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("echo 3")).isEqualTo("3");
                lease.discard();
            }
            assertThat(client.call("echo 4", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("4");

            assertThat(created).hasValue(2);
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.destroyed(DestroyReason.BROKEN)).isEqualTo(1);
            assertThat(Clients.accountingBalances(s)).isTrue();
            // Network event: the server sees the broken socket closed.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.openConnections() == 1);
        }
    }
}
