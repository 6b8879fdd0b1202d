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
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS 1.3 KeyUpdate from the server in the middle of a stream (OpenSSL's interactive {@code K} command,
 * which also requests one back) is processed inside a read: data before and after it arrives, and our own
 * KeyUpdate answer is sent so both directions move to new keys.
 */
class KeyUpdateTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    @Test
    void keyUpdateRequestedByTheServerMidStream() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_3", "-msg", "-naccept", "1");
             TlsConnection c = new TlsConnector(SocketConnector.create(), certs.clientConfig().build())
                     .connect(server.endpoint(), Deadline.after(Duration.ofSeconds(10)))) {
            server.awaitOutput("CIPHER is", Duration.ofSeconds(5));
            server.type("before");
            assertThat(Echo.readLine(c)).isEqualTo("before");

            server.type("K");
            server.awaitOutput(">>> TLS 1.3, Handshake [length 0005], KeyUpdate", Duration.ofSeconds(5));
            server.type("after");
            assertThat(Echo.readLine(c)).as("data encrypted with the server's new keys").isEqualTo("after");

            // Our answering KeyUpdate went out during that read; the server decrypts what follows with it.
            c.write(ByteBuffer.wrap("client-after-update\n".getBytes(StandardCharsets.US_ASCII)),
                    Deadline.after(Duration.ofSeconds(5)));
            server.awaitOutput("client-after-update", Duration.ofSeconds(5));
            assertThat(Pattern.compile("<<< .*KeyUpdate").matcher(server.output()).find())
                    .as("s_server received our KeyUpdate:\n%s", server.output()).isTrue();
        }
    }
}
