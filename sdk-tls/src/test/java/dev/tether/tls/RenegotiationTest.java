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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS 1.2 server that renegotiates in the middle of a stream (OpenSSL's interactive {@code r}) is answered
 * from inside a read: the full handshake runs through the read loop and data flows on both sides afterwards.
 */
class RenegotiationTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resumed", "full"})
    void serverInitiatedRenegotiationMidStream(String kind) throws Exception {
        // Without a session cache and tickets, the renegotiation is a full handshake: the server's certificate
        // and name are verified again, from inside the read.
        String[] args = kind.equals("full")
                ? new String[] {"-tls1_2", "-msg", "-no_cache", "-no_ticket", "-naccept", "1"}
                : new String[] {"-tls1_2", "-msg", "-naccept", "1"};
        try (OpenSslServer server = OpenSslServer.start(certs, args);
             TlsConnection c = new TlsConnector(SocketConnector.create(), certs.clientConfig().build())
                     .connect(server.endpoint(), Deadline.after(Duration.ofSeconds(10)))) {
            server.awaitOutput("CIPHER is", Duration.ofSeconds(5));
            server.type("before");
            assertThat(Echo.readLine(c)).isEqualTo("before");
            // A blocked read drives the whole renegotiation: HelloRequest in, ClientHello out, server flight in,
            // our Finished out, all inside one read() call.
            CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return Echo.readLine(c);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            server.type("r");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                    Pattern.compile("<<< .*Finished").matcher(server.output()).results().count() >= 2);
            server.type("after");
            assertThat(next.get(5, TimeUnit.SECONDS)).isEqualTo("after");
            assertThat(server.output()).as("a second ClientHello reached the server")
                    .containsPattern("HelloRequest[\\s\\S]*<<< .*ClientHello");
            if (kind.equals("full")) {
                assertThat(server.output()).as("the server sent its certificate again")
                        .containsPattern("HelloRequest[\\s\\S]*>>> .*Certificate");
            }
            c.write(ByteBuffer.wrap("client-after-renegotiation\n".getBytes(StandardCharsets.US_ASCII)),
                    Deadline.after(Duration.ofSeconds(5)));
            server.awaitOutput("client-after-renegotiation", Duration.ofSeconds(5));
        }
    }
}
