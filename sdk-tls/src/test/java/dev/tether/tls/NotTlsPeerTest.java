package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.SocketConnector;
import dev.tether.core.TimedOutException;
import dev.tether.tls.testing.CertSet;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that does not speak TLS is detected from its first bytes instead of hanging; a silent one runs
 * into the handshake timeout; one that hangs up is a retryable close, not a TLS error.
 */
class NotTlsPeerTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    /** A plain TCP server (java.net) that runs {@code behaviour} for one accepted socket. */
    private static ServerSocket plainServer(Consumer<Socket> behaviour) throws IOException {
        ServerSocket server = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                behaviour.accept(s);
            } catch (IOException e) {
                // The test closed the server.
            }
        }, "plain-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static TlsConnection connect(TlsConfig config, int port) throws Exception {
        return new TlsConnector(SocketConnector.create(), config)
                .connect(Endpoint.of("localhost", port), Deadline.after(Duration.ofSeconds(30)));
    }

    @Test
    void aPlaintextEchoServerIsNotTls() throws Exception {
        try (ServerSocket server = plainServer(s -> {
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    s.getOutputStream().write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // client gone
            }
        })) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.getLocalPort()))
                    .isInstanceOf(NotTlsException.class)
                    .hasMessageContaining("does not speak TLS")
                    .hasMessageContaining("ClientHello back");
        }
    }

    @Test
    void bannerFromAPlaintextServerIsShownInTheError() throws Exception {
        try (ServerSocket server = plainServer(s -> {
            try {
                s.getOutputStream().write("+OK plaintext service ready\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read(new byte[1024]);
            } catch (IOException ignored) {
                // client gone
            }
        })) {
            assertThatThrownBy(() -> connect(certs.clientConfig().handshakeTimeout(Duration.ofSeconds(30)).build(), server.getLocalPort()))
                    .isInstanceOfSatisfying(NotTlsException.class, e -> {
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.requestNotSent()).isTrue();
                    })
                    .hasMessageContaining("does not speak TLS")
                    .hasMessageContaining("'+OK plaintext service ready\\r\\n'");
        }
    }

    @Test
    void httpServerAnsweringTheClientHelloIsDetected() throws Exception {
        try (ServerSocket server = plainServer(s -> {
            try {
                s.getInputStream().read(new byte[4096]);
                s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().read(new byte[1024]);
            } catch (IOException ignored) {
                // client gone
            }
        })) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.getLocalPort()))
                    .isInstanceOf(NotTlsException.class)
                    .hasMessageContaining("HTTP/1.1 400 Bad Request");
        }
    }

    @Test
    void silentServerRunsIntoTheHandshakeTimeout() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (ServerSocket server = plainServer(s -> release.join())) {
            assertThatThrownBy(() -> connect(certs.clientConfig().handshakeTimeout(Duration.ofMillis(300)).build(),
                    server.getLocalPort()))
                    .isInstanceOfSatisfying(HandshakeTimeoutException.class, e -> {
                        assertThat(e.phase()).isEqualTo(TimedOutException.Phase.HANDSHAKE);
                        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.requestNotSent()).isTrue();
                    })
                    .hasMessageContaining("did not finish within 300ms");
        } finally {
            release.complete(null);
        }
    }

    @Test
    void callerDeadlineAlsoBoundsTheHandshake() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (ServerSocket server = plainServer(s -> release.join())) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.clientConfig().build());
            assertThatThrownBy(() -> connector.connect(Endpoint.of("localhost", server.getLocalPort()),
                    Deadline.after(Duration.ofMillis(400))))
                    .isInstanceOf(HandshakeTimeoutException.class);
        } finally {
            release.complete(null);
        }
    }

    @Test
    void serverHangingUpAtOnceIsARetryableClose() throws Exception {
        try (ServerSocket server = plainServer(s -> {
            try {
                InputStream in = s.getInputStream();
                in.read(new byte[1]);
            } catch (IOException ignored) {
                // client gone
            }
        })) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.getLocalPort()))
                    .isInstanceOfSatisfying(ConnectionClosedException.class, e -> {
                        assertThat(e.requestNotSent()).isTrue();
                        assertThat(e.isRetryable()).isTrue();
                    })
                    .hasMessageContaining("before the peer sent any TLS data");
        }
    }

    @Test
    void serverSideDetectsAPlaintextClient() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            TlsAcceptor acceptor = new TlsAcceptor(certs.serverConfig().build());
            CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
                try {
                    acceptor.accept(listener.accept(), Deadline.after(Duration.ofSeconds(10))).close();
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), listener.endpoint().port())) {
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(failure.get()).isInstanceOf(NotTlsException.class).hasMessageContaining("GET / HTTP/1.1");
            }
        }
    }
}
