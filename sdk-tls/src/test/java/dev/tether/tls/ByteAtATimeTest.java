package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS records split into single bytes by the network (a relay forwards one byte per TCP segment) still
 * handshake and decrypt: every partial record is a BUFFER_UNDERFLOW that reads more, never a spin or a
 * false end of stream. Reading into a one-byte buffer exercises BUFFER_OVERFLOW staging the other way.
 */
class ByteAtATimeTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    /** Forwards bytes between a client and {@code target} one byte per write, with Nagle off. */
    static final class TricklingRelay implements AutoCloseable {
        private final ServerSocket server;

        TricklingRelay(Endpoint target) throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                try (Socket client = server.accept(); Socket upstream = new Socket(target.host(), target.port())) {
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    Thread back = pump(upstream, client);
                    pump(client, upstream).join();
                    back.join();
                } catch (IOException | InterruptedException e) {
                    // A side closed; the relay is done.
                }
            }, "trickling-relay");
            t.setDaemon(true);
            t.start();
        }

        /** Copies byte by byte; at end of stream half-closes the destination, as a transparent relay must. */
        private static Thread pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    int b;
                    while ((b = in.read()) >= 0) {
                        out.write(b);
                        out.flush();
                    }
                    to.shutdownOutput();
                } catch (IOException e) {
                    // The other side is gone.
                }
            }, "trickle");
            t.setDaemon(true);
            t.start();
            return t;
        }

        Endpoint endpoint() {
            return Endpoint.of("localhost", server.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handshakeAndDataSurviveOneByteSegments(String protocol) throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().protocols(protocol).build());
             TricklingRelay relay = new TricklingRelay(server.endpoint());
             TlsConnection c = new TlsConnector(SocketConnector.create(), certs.clientConfig().build())
                     .connect(relay.endpoint(), Deadline.after(Duration.ofSeconds(20)))) {
            byte[] payload = new byte[3000];
            new Random(3).nextBytes(payload);
            c.write(ByteBuffer.wrap(payload), Deadline.after(Duration.ofSeconds(20)));
            ByteBuffer one = ByteBuffer.allocate(1);
            byte[] got = new byte[payload.length];
            for (int i = 0; i < got.length; i++) {
                one.clear();
                assertThat(c.read(one, Deadline.after(Duration.ofSeconds(20)))).isEqualTo(1);
                got[i] = one.get(0);
            }
            assertThat(got).isEqualTo(payload);
            c.shutdownOutput();
            assertThat(c.read(one.clear(), Deadline.after(Duration.ofSeconds(20)))).isEqualTo(-1);
        }
    }
}
