package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslServer;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The second connection to a server resumes the first one's session, unless resumption is turned off. */
class SessionResumptionTest {
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

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void secondConnectionIsResumed(String protocol) throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().protocols(protocol).build())) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.clientConfig().build());
            try (TlsConnection first = connector.connect(server.localhostEndpoint(), soon())) {
                // A round trip makes sure TLS 1.3's session ticket (sent after the handshake) was read.
                assertThat(Echo.roundTrip(first, "one")).isEqualTo("one");
                assertThat(first.isResumed()).isFalse();
            }
            try (TlsConnection second = connector.connect(server.localhostEndpoint(), soon())) {
                assertThat(second.isResumed()).isTrue();
                assertThat(second.protocol()).isEqualTo(protocol);
                assertThat(Echo.roundTrip(second, "two")).isEqualTo("two");
                assertThat(second.peerCertificates()).isNotEmpty();
            }
        }
    }

    @Test
    void resumptionCanBeTurnedOff() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(),
                    certs.clientConfig().sessionResumption(false).build());
            for (int i = 0; i < 2; i++) {
                try (TlsConnection c = connector.connect(server.localhostEndpoint(), soon())) {
                    assertThat(Echo.roundTrip(c, "x")).isEqualTo("x");
                    assertThat(c.isResumed()).isFalse();
                }
            }
        }
    }

    @Test
    void resumesWithOpenSsl() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_3", "-naccept", "2")) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.clientConfig().build());
            try (TlsConnection first = connector.connect(server.endpoint(), soon())) {
                first.write(ByteBuffer.wrap("first\n".getBytes(StandardCharsets.US_ASCII)), soon());
                server.awaitOutput("first", Duration.ofSeconds(5));
                server.type("ticket-read");
                ByteBuffer buf = ByteBuffer.allocate(64);
                assertThat(first.read(buf, soon())).isPositive();
            }
            try (TlsConnection second = connector.connect(server.endpoint(), soon())) {
                assertThat(second.isResumed()).isTrue();
                second.write(ByteBuffer.wrap("second\n".getBytes(StandardCharsets.US_ASCII)), soon());
                server.awaitOutput("second", Duration.ofSeconds(5));
            }
        }
    }
}
