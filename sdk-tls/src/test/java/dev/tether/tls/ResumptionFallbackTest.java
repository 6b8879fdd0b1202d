package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.tls.testing.CertSet;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resumption fallback costs an extra connection only where it can help: after an earlier handshake with the
 * same server (so a session may have been offered), and only when the peer aborted, never for this client's own
 * verdicts on the server. A fallback that fails is not remembered. ({@link ResumptionRefusedTest} shows the
 * fallback working against a real OpenSSL server.)
 */
class ResumptionFallbackTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    private static Deadline soon() {
        return Deadline.after(Duration.ofSeconds(10));
    }

    @Test
    void firstConnectToAServerThatAbortsIsNotRetried() throws Exception {
        try (Server server = new Server(i -> null)) {
            CountingConnector transport = new CountingConnector();
            TlsConnector connector = new TlsConnector(transport, certs.clientConfig().build());

            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class,
                    () -> connector.connect(server.endpoint(), soon()));

            assertThat(e.reason()).isIn(ConnectionClosedException.Reason.EOF, ConnectionClosedException.Reason.RESET);
            assertThat(transport.connects.get()).as("no session could have been offered: no second try").isEqualTo(1);
        }
    }

    @Test
    void serverAbortingEveryHandshakeAfterTheFirstGetsOneRetryPerConnectAndIsNotRemembered() throws Exception {
        TlsAcceptor acceptor = new TlsAcceptor(certs.serverConfig().build());
        try (Server server = new Server(i -> i == 0 ? acceptor : null)) {
            CountingConnector transport = new CountingConnector();
            TlsConnector connector = new TlsConnector(transport, certs.clientConfig().build());
            try (TlsConnection first = connector.connect(server.endpoint(), soon())) {
                assertThat(Echo.roundTrip(first, "one")).isEqualTo("one");
            }

            for (int attempt = 0; attempt < 2; attempt++) {
                int before = transport.connects.get();
                ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class,
                        () -> connector.connect(server.endpoint(), soon()));

                assertThat(e.getSuppressed()).as("the first failure rides along").hasSize(1);
                assertThat(transport.connects.get() - before).as("one fallback, every time").isEqualTo(2);
            }
        }
    }

    @Test
    void ownVerdictOnTheServerIsNeverRetried() throws Exception {
        certs.issueSelfSignedServer();
        TlsAcceptor good = new TlsAcceptor(certs.serverConfig().build());
        TlsAcceptor untrusted = new TlsAcceptor(TlsConfig.builder()
                .keyMaterial(certs.file("selfsigned.pem"), certs.file("selfsigned.key")).build());
        try (Server server = new Server(i -> i == 0 ? good : untrusted)) {
            CountingConnector transport = new CountingConnector();
            TlsConnector connector = new TlsConnector(transport, certs.clientConfig().build());
            try (TlsConnection first = connector.connect(server.endpoint(), soon())) {
                assertThat(Echo.roundTrip(first, "one")).isEqualTo("one");
            }

            catchThrowableOfType(UntrustedCertificateException.class, () -> connector.connect(server.endpoint(), soon()));

            assertThat(transport.connects.get()).isEqualTo(2);
        }
    }

    /** Counts connection attempts on their way to the plain transport. */
    private static final class CountingConnector implements Connector {
        final AtomicInteger connects = new AtomicInteger();
        private final SocketConnector plain = SocketConnector.create();

        @Override
        public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
            connects.incrementAndGet();
            return plain.connect(endpoint, deadline);
        }
    }

    /**
     * Accepts connections; the n-th (from 0) is handshaken with the acceptor {@code plan} gives for n and echoed,
     * or closed at once when it gives none (a server aborting the handshake).
     */
    private static final class Server implements AutoCloseable {
        private final ServerListener listener = ServerListener.loopback();
        private final IntFunction<TlsAcceptor> plan;

        Server(IntFunction<TlsAcceptor> plan) throws Exception {
            this.plan = plan;
            Thread t = new Thread(this::acceptLoop, "fallback-test-server");
            t.setDaemon(true);
            t.start();
        }

        Endpoint endpoint() {
            return Endpoint.of("localhost", listener.endpoint().port());
        }

        private void acceptLoop() {
            for (int n = 0; ; n++) {
                Connection plain;
                try {
                    plain = listener.accept();
                } catch (Exception e) {
                    return;
                }
                TlsAcceptor acceptor = plan.apply(n);
                if (acceptor == null) {
                    plain.close();
                    continue;
                }
                Thread t = new Thread(() -> echo(acceptor, plain), "fallback-test-conn");
                t.setDaemon(true);
                t.start();
            }
        }

        private static void echo(TlsAcceptor acceptor, Connection plain) {
            try (Connection tls = acceptor.accept(plain, soon())) {
                ByteBuffer buf = ByteBuffer.allocate(1024);
                while (tls.read(buf.clear(), soon()) > 0) {
                    tls.write(buf.flip(), soon());
                }
            } catch (TetherException e) {
                // The client left, or rejected this server: either way the exchange is over.
            } finally {
                plain.close();
            }
        }

        @Override
        public void close() throws Exception {
            listener.close();
        }
    }
}
