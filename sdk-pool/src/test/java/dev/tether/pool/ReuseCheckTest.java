package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.testing.Clients;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every reuse of a pooled connection checks for bytes nobody asked for, with default settings and well inside
 * {@code validateAfterInactivity}: unsolicited data means the stream is out of step (the next caller would get
 * someone else's reply), and a TLS close_notify means the server has closed it (a request written there would
 * fail after it may have left). Either way the connection is destroyed and the call takes another one.
 */
class ReuseCheckTest {
    @TempDir
    Path dir;

    @Test
    void bytesArrivingAfterAReplyNeverReachTheNextCaller() throws Exception {
        AtomicReference<Connection> last = new AtomicReference<>();
        try (JunkAfterReplyServer server = new JunkAfterReplyServer();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(dev.tether.core.Endpoint.of("127.0.0.1", server.port()))
                     .connector(recording(SocketConnector.create(), last)).build()) {
            for (int i = 0; i < 20; i++) {
                assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
                server.sendJunkNow();
                awaitBytesArrived(last.get());
                assertThat(client.call("echo next " + i)).as("call after junk %d", i).isEqualTo("next " + i);
            }
            EndpointStats s = client.stats().values().iterator().next();
            assertThat(s.destroyed(DestroyReason.BROKEN)).isEqualTo(20);
        }
    }

    @Test
    void aConnectionTheTlsServerClosedWithCloseNotifyIsNotUsedForTheNextRequest() throws Exception {
        CertSet certs = CertSet.create(dir);
        AtomicReference<Connection> lastTcp = new AtomicReference<>();
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create()).endpoint(server.endpoint())
                     .connector(new TlsConnector(recording(SocketConnector.create(), lastTcp), certs.clientConfig().build()))
                     .build()) {
            for (int i = 0; i < 10; i++) {
                // Not idempotent: had the request gone out on the closed connection it would fail MAY_HAVE_BEEN_SENT.
                assertThat(client.call("hello " + i)).isEqualTo("hello " + i);
                TlsConnection serverSide = server.connections().get(server.connections().size() - 1);
                serverSide.shutdownOutput(); // close_notify, then FIN: an idle-closing server
                awaitBytesArrived(lastTcp.get());
            }
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(10);
            assertThat(client.stats().get(server.endpoint()).retries()).isZero();
        }
    }

    /** A connector that remembers the last connection it made, so the test can see what has arrived on it. */
    @Test
    void maintenanceLeavesAConnectionUsedAMomentAgoToTheReuseCheck() throws Exception {
        // Maintenance claiming a connection given back a moment ago would make a caller wanting it in that
        // instant connect anew; such a connection needs no probe from it, because the next acquire's reuse check
        // looks at it. The client's clock is moved by hand; the server's close_notify is a network event.
        CertSet certs = CertSet.create(dir);
        AtomicReference<Connection> lastTcp = new AtomicReference<>();
        dev.tether.pool.internal.ManualTime time = new dev.tether.pool.internal.ManualTime();
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(LineCodec.create()))
                     .endpoint(server.endpoint())
                     .connector(new TlsConnector(recording(SocketConnector.create(), lastTcp), certs.clientConfig().build()))
                     .build()) {
            assertThat(client.call("hello")).isEqualTo("hello");
            server.connections().get(0).shutdownOutput(); // close_notify, then FIN: an idle-closing server
            awaitBytesArrived(lastTcp.get());
            time.advance(PoolSettings.defaults().validateAfterInactivity().minusMillis(1));
            ManualClients.maintain(client);
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.destroyed(DestroyReason.BROKEN) + s.destroyed(DestroyReason.STALE))
                    .as("left alone by maintenance").isZero();
            assertThat(s.idle()).isEqualTo(1);
            // Not idempotent: had it gone out on the closed connection it would fail MAY_HAVE_BEEN_SENT.
            assertThat(client.call("again")).isEqualTo("again");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(2);
            assertThat(client.stats().get(server.endpoint()).retries()).isZero();
        }
    }

    private static Connector recording(Connector real, AtomicReference<Connection> last) {
        return (endpoint, deadline) -> {
            Connection c = real.connect(endpoint, deadline);
            last.set(c);
            return c;
        };
    }

    /**
     * Waits (a network event, not a timing guess) until the peer's bytes are in this side's receive queue: a
     * loaded machine may deliver loopback data a little after the sender's write returned.
     */
    private static void awaitBytesArrived(Connection c) {
        // Network event: bytes arrive on the socket.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            try {
                return c.available() > 0;
            } catch (dev.tether.core.ConnectionClosedException closed) {
                // Background maintenance checked the idle connection first, found the bytes and destroyed it
                // (as BROKEN, like the reuse check would): the bytes arrived either way.
                return true;
            }
        });
    }

    /** Answers {@code echo X} with {@code X}; after each reply, on the test's word, sends an unsolicited line. */
    private static final class JunkAfterReplyServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Semaphore junkWanted = new Semaphore(0);
        private final Semaphore junkSent = new Semaphore(0);
        private final Thread acceptor = new Thread(this::acceptLoop, "junk-server");

        JunkAfterReplyServer() throws java.io.IOException {
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        void sendJunkNow() throws InterruptedException {
            junkWanted.release();
            assertThat(junkSent.tryAcquire(5, TimeUnit.SECONDS)).as("junk sent").isTrue();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread t = new Thread(() -> serve(s), "junk-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                OutputStream out = s.getOutputStream();
                String line;
                while ((line = in.readLine()) != null) {
                    out.write((line.substring(5) + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (!line.startsWith("echo next ")) {
                        junkWanted.acquire();
                        out.write("junk nobody asked for\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        junkSent.release();
                    }
                }
            } catch (java.io.IOException | InterruptedException e) {
                // The client destroyed the connection: expected after the junk.
            }
        }

        @Override
        public void close() throws java.io.IOException {
            listener.close();
        }
    }
}
