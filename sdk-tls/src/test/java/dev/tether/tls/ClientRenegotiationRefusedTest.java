package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslClient;
import dev.tether.tls.testing.TlsEchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tether's TLS server refuses TLS 1.2 renegotiation started by a client (a DoS lever: each one costs the
 * server a full handshake): the connection is closed, the refusal counted and logged once per peer. Real
 * renegotiating clients: the JDK's SSLSocket calling startHandshake() again, and openssl s_client's {@code R}.
 */
class ClientRenegotiationRefusedTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    private static SSLSocket jdkClient(TlsEchoServer server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certs.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", server.endpoint().port());
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String echo(SSLSocket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] buf = socket.getInputStream().readNBytes(text.length());
        return new String(buf, StandardCharsets.US_ASCII);
    }

    @Test
    void jdkClientRenegotiationIsRefusedAndTheConnectionClosed() throws Exception {
        long before = TlsAcceptor.refusedClientRenegotiations();
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             SSLSocket socket = jdkClient(server)) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(echo(socket, "before")).isEqualTo("before");
            // A second startHandshake() on TLS 1.2 sends a new ClientHello: a client-initiated renegotiation.
            InputStream in = socket.getInputStream();
            assertThatThrownBy(() -> {
                socket.startHandshake();
                // The JDK may return before the server answered; the refusal shows on the next read.
                socket.getOutputStream().write("after".getBytes(StandardCharsets.US_ASCII));
                if (in.read() >= 0) {
                    throw new AssertionError("the server answered after a refused renegotiation");
                }
                throw new IOException("end of stream");
            }).isInstanceOf(IOException.class);
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> TlsAcceptor.refusedClientRenegotiations() == before + 1);
        }
    }

    @Test
    void opensslClientRenegotiationIsRefusedAndLoggedOncePerPeer() throws Exception {
        long before = TlsAcceptor.refusedClientRenegotiations();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // slf4j-simple (the test binding) writes to whatever System.err is at the time of each log call.
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String firstOutput;
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                try (OpenSslClient.Session client = OpenSslClient.start(dir, server.endpoint(), "-tls1_2",
                        "-CAfile", "ca.pem")) {
                    client.awaitOutput("Verify return code: 0 (ok)", Duration.ofSeconds(10));
                    client.type("hello");
                    client.awaitOutput("hello", Duration.ofSeconds(5));
                    client.type("R");
                    client.awaitOutput("RENEGOTIATING", Duration.ofSeconds(5));
                    // The server closes the connection; s_client notices and exits.
                    assertThat(client.awaitExit(Duration.ofSeconds(10))).as(client.output()).isTrue();
                    if (attempt == 1) {
                        firstOutput = client.output();
                        assertThat(firstOutput.substring(firstOutput.indexOf("RENEGOTIATING")))
                                .as("no second handshake completed").doesNotContain("verify return:1");
                    }
                }
                long expected = before + attempt;
                Awaitility.await().atMost(Duration.ofSeconds(5))
                        .until(() -> TlsAcceptor.refusedClientRenegotiations() == expected);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(Pattern.compile("refused a TLS 1.2 renegotiation started by the client").matcher(log).results()
                .count()).as(log).isEqualTo(1);
    }

    @Test
    void tls13ConnectionsAreUnaffected() throws Exception {
        long before = TlsAcceptor.refusedClientRenegotiations();
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             OpenSslClient.Session client = OpenSslClient.start(dir, server.endpoint(), "-tls1_3", "-CAfile", "ca.pem")) {
            client.awaitOutput("Verify return code: 0 (ok)", Duration.ofSeconds(10));
            // On TLS 1.3, "K" sends a KeyUpdate asking for one back: post-handshake, but not renegotiation.
            client.type("K");
            client.awaitOutput("KEYUPDATE", Duration.ofSeconds(5));
            client.type("still here");
            client.awaitOutput("still here", Duration.ofSeconds(5));
        }
        assertThat(TlsAcceptor.refusedClientRenegotiations()).isEqualTo(before);
    }
}
