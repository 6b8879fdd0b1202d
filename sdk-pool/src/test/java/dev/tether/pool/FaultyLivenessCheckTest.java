package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.ForwardingConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A transport whose non-blocking liveness read fails with an unchecked exception (a TLS engine in a bad state,
 * a transport bug) fails the check like any other failure: the connection is destroyed and the caller gets a
 * new one. It used to escape the acquire with the connection and its permits still taken, so the endpoint
 * had one connection less, for good.
 */
class FaultyLivenessCheckTest {

    @Test
    void anUncheckedFailureOfTheLivenessReadReplacesTheConnection() throws Exception {
        AtomicBoolean faulty = new AtomicBoolean();
        SocketConnector plain = SocketConnector.create();
        // A real connection whose readAvailable misbehaves on demand: the faulty transport under test.
        Connector connector = (endpoint, deadline) -> new ForwardingConnection(plain.connect(endpoint, deadline)) {
            @Override
            public int readAvailable(ByteBuffer dst) throws dev.tether.core.TetherException {
                if (faulty.get()) {
                    throw new IllegalStateException("transport in a bad state (injected)");
                }
                return super.readAvailable(dst);
            }
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                     .connector(connector)
                     // One attempt per call: the connection counts (created 2, destroyed 1) must come from the
                     // failing liveness check alone, not from a retry making connections of its own.
                     .retry(RetrySettings.none())
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1)
                             .validateAfterInactivity(Duration.ZERO).acquireTimeout(Duration.ofMillis(500))
                             .maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            assertThat(client.call("echo 1")).isEqualTo("1");
            faulty.set(true);
            // The pooled connection is checked before reuse, fails, and a new one (checked only when reused) serves.
            assertThat(client.call("echo 2")).isEqualTo("2");
            faulty.set(false);
            assertThat(client.call("echo 3")).isEqualTo("3");

            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.destroyed(DestroyReason.BROKEN)).isEqualTo(1);
            assertThat(Clients.accountingBalances(s)).isTrue();
        }
    }
}
