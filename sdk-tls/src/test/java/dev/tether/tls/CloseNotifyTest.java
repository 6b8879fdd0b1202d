package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.ServerListener;
import dev.tether.core.SocketConnector;
import dev.tether.tls.internal.EngineConnection;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslServer;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * close_notify is a clean end of stream (-1), also for the non-blocking check a pool runs on idle
 * connections; a TCP close without it is a truncation error; our close() and shutdownOutput() send it.
 */
class CloseNotifyTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    private static TlsConnector connector(TlsConfig config) {
        return new TlsConnector(SocketConnector.create(), config);
    }

    private static Deadline seconds(int s) {
        return Deadline.after(Duration.ofSeconds(s));
    }

    /** Accepts one TLS connection on {@code listener}, completing with it after the handshake. */
    private static CompletableFuture<TlsConnection> acceptOne(ServerListener listener, TlsConfig config) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new TlsAcceptor(config).accept(listener.accept(), seconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeNotifyFromTheServerReadsAsEndOfStream(String protocol) throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = acceptOne(listener, certs.serverConfig().protocols(protocol).build());
            try (TlsConnection client = connector(certs.clientConfig().build()).connect(listener.endpoint(), seconds(10))) {
                TlsConnection server = accepted.get();
                server.write(ByteBuffer.wrap("last words".getBytes(StandardCharsets.US_ASCII)), seconds(5));
                server.close();
                ByteBuffer buf = ByteBuffer.allocate(64);
                int n = client.read(buf, seconds(5));
                assertThat(new String(buf.array(), 0, n, StandardCharsets.US_ASCII)).isEqualTo("last words");
                assertThat(client.read(buf, seconds(5))).isEqualTo(-1);
                assertThat(client.read(buf, seconds(5))).as("end of stream stays").isEqualTo(-1);
                assertThat(client.isBroken()).isFalse();
            }
        }
    }

    @Test
    void readAvailableSeesCloseNotifyOnAnIdleConnection() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = acceptOne(listener, certs.serverConfig().build());
            try (TlsConnection client = connector(certs.clientConfig().build()).connect(listener.endpoint(), seconds(10))) {
                TlsConnection server = accepted.get();
                ByteBuffer buf = ByteBuffer.allocate(64);
                // TLS 1.3 session tickets arrive after the handshake; they are consumed without blocking.
                assertThat(client.readAvailable(buf)).isZero();
                server.close();
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.readAvailable(buf) == -1);
                assertThat(buf.position()).isZero();
            }
        }
    }

    @Test
    void serverClosingTcpWithoutCloseNotifyIsATruncation() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = acceptOne(listener, certs.serverConfig().build());
            try (TlsConnection client = connector(certs.clientConfig().build()).connect(listener.endpoint(), seconds(10))) {
                // Closed at the end too, after the bare TCP close, so that its engine is freed (OpenSSL provider).
                EngineConnection server = (EngineConnection) accepted.get();
                server.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)), seconds(5));
                server.transport().close(); // TCP FIN, no close_notify
                ByteBuffer buf = ByteBuffer.allocate(64);
                assertThat(client.read(buf, seconds(5))).as("bytes before the cut are still delivered").isEqualTo(7);
                assertThatThrownBy(() -> client.read(buf, seconds(5)))
                        .isInstanceOfSatisfying(ConnectionClosedException.class,
                                e -> assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.EOF))
                        .hasMessageContaining("truncated");
                assertThat(client.isBroken()).isTrue();
                server.close();
            }
        }
    }

    @Test
    void idleCheckSeesABareTcpCloseAsEndOfStreamButReadsReportTheTruncation() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = acceptOne(listener, certs.serverConfig().build());
            try (TlsConnection client = connector(certs.clientConfig().build()).connect(listener.endpoint(), seconds(10))) {
                EngineConnection server = (EngineConnection) accepted.get();
                ByteBuffer buf = ByteBuffer.allocate(64);
                assertThat(client.readAvailable(buf)).isZero();
                server.transport().close();
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.readAvailable(buf) == -1);
                assertThat(client.isBroken()).isTrue();
                assertThatThrownBy(() -> client.read(buf, seconds(1)))
                        .isInstanceOf(ConnectionClosedException.class)
                        .hasMessageContaining("truncated");
                server.close();
            }
        }
    }

    @Test
    void killedOpenSslServerIsATruncation() throws Exception {
        OpenSslServer server = OpenSslServer.start(certs, "-naccept", "1");
        try (TlsConnection client = connector(certs.clientConfig().build()).connect(server.endpoint(), seconds(10))) {
            server.awaitOutput("CIPHER is", Duration.ofSeconds(5));
            server.close();
            assertThatThrownBy(() -> client.read(ByteBuffer.allocate(64), seconds(5)))
                    .isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("without sending close_notify");
        } finally {
            server.close();
        }
    }

    @Test
    void clientCloseSendsCloseNotify() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = acceptOne(listener, certs.serverConfig().build());
            TlsConnection client = connector(certs.clientConfig().build()).connect(listener.endpoint(), seconds(10));
            try (TlsConnection server = accepted.get()) {
                client.close();
                assertThat(client.isOpen()).isFalse();
                assertThat(server.read(ByteBuffer.allocate(16), seconds(5))).isEqualTo(-1);
                assertThatThrownBy(() -> client.write(ByteBuffer.allocate(1), seconds(1)))
                        .isInstanceOf(ConnectionClosedException.class);
            }
        }
    }

    @Test
    void shutdownOutputHalfClosesAndTheEchoServerClosesBack() throws Exception {
        // The server echoes after the client's close_notify: a JDK server, since OpenSSL's engine closes its output
        // when the peer's close_notify arrives. The client side runs on the provider under test.
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().provider(TlsProvider.JDK).build());
             TlsConnection client = connector(certs.clientConfig().build()).connect(server.endpoint(), seconds(10))) {
            client.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)), seconds(5));
            client.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(16);
            while (buf.position() < 3) {
                assertThat(client.read(buf, seconds(5))).isPositive();
            }
            assertThat(client.read(buf, seconds(5))).isEqualTo(-1);
        }
    }

    @Test
    void closeDoesNotWaitLongerThanTheCloseNotifyTimeoutForABlockedWriter() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = acceptOne(listener, certs.serverConfig().build());
            TlsConnection client = connector(certs.clientConfig().closeNotifyTimeout(Duration.ofMillis(200)).build())
                    .connect(listener.endpoint(), seconds(10));
            try (TlsConnection server = accepted.get()) {
                // The server never reads, so this write blocks once the socket buffers are full.
                CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
                    try {
                        client.write(ByteBuffer.allocate(64 * 1024 * 1024), seconds(30));
                        return null;
                    } catch (Exception e) {
                        return e;
                    }
                });
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.bytesWritten() > 0);
                client.close();
                assertThat(writer.get()).isInstanceOf(ConnectionClosedException.class);
                assertThat(server.isOpen()).isTrue();
            }
        }
    }
}
