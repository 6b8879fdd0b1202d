package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS 1.3 server that aborts the handshake when offered session resumption gets one full handshake instead
 * of a failed connection, and later connections to it do not offer resumption again.
 *
 * <p>The server is a real {@code openssl s_server} requiring a client certificate ({@code -Verify}). OpenSSL
 * refuses to resume a session on a server that verifies clients but set no session-id context: it answers the
 * resumption offer with an {@code internal_error} alert ("session id context uninitialized"). socat's
 * {@code openssl-listen} with {@code verify=1} sets no context, hence the failure seen there; s_server sets one
 * by default, and {@code -context ""} sets an empty one, which OpenSSL treats the same as none.
 */
class ResumptionRefusedTest {
    private static final String OPENSSL_REFUSAL = "session id context uninitialized";

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
    void serverRefusingResumptionGetsOneFullHandshakeAndIsRemembered() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_3", "-CAfile", "ca.pem", "-Verify", "1",
                "-context", "")) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.mutualClientConfig().build());
            try (TlsConnection first = connector.connect(server.endpoint(), soon())) {
                assertThat(first.isResumed()).isFalse();
                exchange(server, first, "first");
            }

            // Offers the first connection's session, which this server answers with an alert; then full handshake.
            try (TlsConnection second = connector.connect(server.endpoint(), soon())) {
                assertThat(second.isResumed()).isFalse();
                exchange(server, second, "second");
            }
            assertThat(count(server.output(), OPENSSL_REFUSAL)).as("s_server output:%n%s", server.output())
                    .isEqualTo(1);

            // Remembered: no resumption offered, so no aborted handshake to pay again.
            try (TlsConnection third = connector.connect(server.endpoint(), soon())) {
                assertThat(third.isResumed()).isFalse();
                exchange(server, third, "third");
            }
            assertThat(count(server.output(), OPENSSL_REFUSAL)).as("s_server output:%n%s", server.output())
                    .isEqualTo(1);
        }
    }

    @Test
    void serverVerifyingClientsWithASessionContextStillResumes() throws Exception {
        // s_server's default session-id context: resumption with client certificates works, and is used.
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_3", "-CAfile", "ca.pem", "-Verify", "1")) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.mutualClientConfig().build());
            try (TlsConnection first = connector.connect(server.endpoint(), soon())) {
                exchange(server, first, "first");
            }
            for (String name : new String[] {"second", "third"}) {
                try (TlsConnection c = connector.connect(server.endpoint(), soon())) {
                    assertThat(c.isResumed()).as(name).isTrue();
                    exchange(server, c, name);
                }
            }
            assertThat(server.output()).doesNotContain(OPENSSL_REFUSAL);
        }
    }

    /**
     * Sends a line s_server prints, and reads a line typed back: the read also takes in TLS 1.3's session
     * ticket, which the server sends after the handshake, so the client holds a session to offer next time.
     */
    private static void exchange(OpenSslServer server, TlsConnection c, String text) throws Exception {
        c.write(ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.US_ASCII)), soon());
        server.awaitOutput(text, Duration.ofSeconds(5));
        server.type(text + "-back");
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (!new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).contains(text + "-back")) {
            assertThat(c.read(buf, soon())).isPositive();
        }
    }

    private static int count(String haystack, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
