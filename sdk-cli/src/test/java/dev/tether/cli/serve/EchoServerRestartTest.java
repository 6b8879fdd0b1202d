package dev.tether.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Endpoint;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.testing.CertSet;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping closes the port and every connection (TLS ones with close_notify); starting again binds the same
 * port, so reconnecting clients find the server where it was.
 */
class EchoServerRestartTest {
    @TempDir
    Path dir;

    @Test
    void restartKeepsThePortAndDropsOpenConnections() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = EchoServer.builder().protocol(EchoProtocol.LINE)
                .tls(certs.serverConfig().build()).build()) {
            server.start();
            int port = server.port();
            assertThat(port).isPositive();
            Endpoint endpoint = Endpoint.of("localhost", port);
            FramedConnection<String, String> before = new FramedConnection<>(
                    EchoClient.tls(endpoint, certs.clientConfig().build()), LineCodec.create());
            assertThat(before.exchange("one", EchoClient.deadline())).isEqualTo("one");

            server.restart();

            assertThat(server.port()).isEqualTo(port);
            assertThat(server.isRunning()).isTrue();
            // The old connection was closed cleanly by the server: close_notify reads as end of stream.
            ByteBuffer sink = ByteBuffer.allocate(16);
            assertThat(before.connection().read(sink, EchoClient.deadline())).isEqualTo(-1);
            before.close();
            try (FramedConnection<String, String> after = new FramedConnection<>(
                    EchoClient.tls(endpoint, certs.clientConfig().build()), LineCodec.create())) {
                assertThat(after.exchange("two", EchoClient.deadline())).isEqualTo("two");
            }
            assertThat(server.acceptedConnections()).isEqualTo(2);
        }
    }

    @Test
    void aStoppedServerRefusesConnectionsUntilStartedAgain() throws Exception {
        try (EchoServer server = EchoServer.builder().build()) {
            server.start();
            Endpoint endpoint = server.endpoint();
            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(() -> EchoClient.plain(endpoint)).isInstanceOf(ConnectFailedException.class)
                    .hasMessageContaining("refused");
            server.start();
            try (Connection c = EchoClient.plain(endpoint)) {
                c.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), EchoClient.deadline());
                ByteBuffer back = ByteBuffer.allocate(3);
                while (back.hasRemaining()) {
                    assertThat(c.read(back, EchoClient.deadline())).isPositive();
                }
                assertThat(back.array()).containsExactly(1, 2, 3);
            }
        }
    }

    @Test
    void aSilentClientIsDisconnectedAfterTheIdleTimeout() throws Exception {
        java.util.List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EchoServer server = EchoServer.builder().idleTimeout(Duration.ofMillis(200))
                .listener(new EchoServer.Listener() {
                    @Override
                    public void connectionClosed(PeerInfo peer, String reason) {
                        reasons.add(reason);
                    }
                }).build()) {
            server.start();
            try (Connection silent = EchoClient.plain(server.endpoint())) {
                ByteBuffer sink = ByteBuffer.allocate(16);
                int n;
                try {
                    n = silent.read(sink, EchoClient.deadline());
                } catch (ConnectionClosedException reset) {
                    n = -1;
                }
                assertThat(n).isEqualTo(-1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !reasons.isEmpty());
            assertThat(reasons.get(0)).isEqualTo("idle for 200ms");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        }
    }

    @Test
    void aClosedServerCannotBeStartedAgain() throws Exception {
        EchoServer server = EchoServer.builder().build();
        server.start();
        server.close();
        server.close();
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }
}
