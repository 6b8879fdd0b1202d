package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import dev.tether.core.Connector;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.SocketConnector;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.FrameDecoder;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A custom {@link Connector} or {@link Codec} failing with an Error rather than an exception while a connection
 * is made (an assertion, a class missing at run time) reaches the caller as that Error and costs the pool
 * nothing: no permit, no room in commons-pool2, no socket. commons-pool2 only undoes its count of
 * a connection being made when the factory throws an Exception, and the client only gave its permits back for
 * exceptions, so with maxPerEndpoint 1 every later call used to fail with PoolExhaustedException.
 */
class ConnectorErrorTest {

    @Test
    void anErrorFromTheConnectorLeaksNeitherPermitsNorPoolRoom() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        SocketConnector plain = SocketConnector.create();
        Connector connector = (endpoint, deadline) -> {
            if (failing.get()) {
                throw new NoClassDefFoundError("io/example/Missing (injected)");
            }
            return plain.connect(endpoint, deadline);
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                     .connector(connector)
                     // One attempt per call: the Error must reach the caller from the first connect, and the
                     // permit accounting is checked after exactly one failed connect.
                     .retry(RetrySettings.none())
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).acquireTimeout(Duration.ofMillis(500))
                             .maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            assertThatThrownBy(() -> client.call("echo 1", CallOptions.timeout(Duration.ofSeconds(2))))
                    .isInstanceOf(NoClassDefFoundError.class);
            assertThatThrownBy(client::lease).isInstanceOf(NoClassDefFoundError.class);
            failing.set(false);

            assertThat(client.call("echo 2", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("2");
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("echo 3")).isEqualTo("3");
            }
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(1);
            assertThat(s.breakerState()).isEqualTo(BreakerState.CLOSED);
            assertThat(Clients.accountingBalances(s)).isTrue();
        }
    }

    @Test
    void anErrorFromTheCodecsNewDecoderClosesTheNewSocketAndLeaksNothing() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        Codec<String, String> codec = new Codec<>() {
            @Override
            public ByteBuffer encode(String request) throws ProtocolViolationException {
                return Clients.CODEC.encode(request);
            }

            @Override
            public String decode(ByteBuffer in) throws ProtocolViolationException {
                return Clients.CODEC.decode(in);
            }

            @Override
            public int maxFrameSize() {
                return Clients.CODEC.maxFrameSize();
            }

            @Override
            public FrameDecoder<String> newDecoder() {
                if (failing.get()) {
                    throw new AssertionError("decoder set-up failed (injected)");
                }
                return Clients.CODEC.newDecoder();
            }
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(codec).endpoint(server.endpoint())
                     // One attempt per call: the Error must reach the caller from the first connect, and the
                     // permit accounting is checked after exactly one failed connect.
                     .retry(RetrySettings.none())
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).acquireTimeout(Duration.ofMillis(500))
                             .maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            assertThatThrownBy(() -> client.call("echo 1", CallOptions.timeout(Duration.ofSeconds(2))))
                    .isInstanceOf(AssertionError.class);
            // Network event: the server sees the socket closed.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.accepted() == 1 && server.openConnections() == 0);
            failing.set(false);

            assertThat(client.call("echo 2", CallOptions.timeout(Duration.ofSeconds(2)))).isEqualTo("2");
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(1);
            assertThat(Clients.accountingBalances(s)).isTrue();
        }
    }
}
