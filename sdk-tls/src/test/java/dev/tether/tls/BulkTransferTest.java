package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslServer;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Large transfers arrive intact in both directions (SHA-256 compared), with one thread writing while another
 * reads the same connection, against Tether's echo server and against OpenSSL.
 */
class BulkTransferTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    private static TlsConnection connect(TlsConfig config, dev.tether.core.Endpoint endpoint) throws Exception {
        return new TlsConnector(SocketConnector.create(), config).connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
    }

    @ParameterizedTest(name = "{0} bytes over {1}")
    @CsvSource({"1048576, TLSv1.3", "1048576, TLSv1.2", "67108864, TLSv1.3"})
    void echoBothWaysConcurrently(int size, String protocol) throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().protocols(protocol).build());
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    Random random = new Random(size);
                    byte[] chunk = new byte[64 * 1024];
                    for (int done = 0; done < size; done += chunk.length) {
                        random.nextBytes(chunk);
                        int n = Math.min(chunk.length, size - done);
                        sha.update(chunk, 0, n);
                        c.write(ByteBuffer.wrap(chunk, 0, n), Deadline.after(Duration.ofSeconds(30)));
                    }
                    return HexFormat.of().formatHex(sha.digest());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer in = ByteBuffer.allocate(48 * 1024 + 7);
            long received = 0;
            while (received < size) {
                in.clear();
                int n = c.read(in, Deadline.after(Duration.ofSeconds(30)));
                assertThat(n).as("echo ended after %d bytes", received).isPositive();
                sha.update(in.array(), 0, n);
                received += n;
            }
            assertThat(received).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(sent.get());
            assertThat(c.bytesRead()).isEqualTo(size);
            assertThat(c.bytesWritten()).isEqualTo(size);
        }
    }

    @Test
    void oneMebibyteFromOpenSsl() throws Exception {
        byte[] file = new byte[1 << 20];
        new Random(7).nextBytes(file);
        Files.write(certs.file("bulk.bin"), file);
        try (OpenSslServer server = OpenSslServer.start(certs, "-WWW", "-http_server_binmode", "-naccept", "1");
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            c.write(ByteBuffer.wrap("GET /bulk.bin HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                    Deadline.after(Duration.ofSeconds(5)));
            ByteBuffer all = ByteBuffer.allocate(file.length + 4096);
            while (c.read(all, Deadline.after(Duration.ofSeconds(10))) >= 0) {
                assertThat(all.hasRemaining()).as("response larger than expected").isTrue();
            }
            String text = new String(all.array(), 0, all.position(), StandardCharsets.ISO_8859_1);
            int body = text.indexOf("\r\n\r\n") + 4;
            assertThat(text).startsWith("HTTP/1.0 200 ok");
            byte[] got = java.util.Arrays.copyOfRange(all.array(), body, all.position());
            assertThat(MessageDigest.getInstance("SHA-256").digest(got))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(file));
        }
    }

    @Test
    void oneMebibyteToOpenSsl() throws Exception {
        StringBuilder data = new StringBuilder();
        Random random = new Random(11);
        while (data.length() < (1 << 20)) {
            for (int i = 0; i < 99; i++) {
                data.append((char) ('0' + random.nextInt(10)));
            }
            data.append('\n');
        }
        String payload = data.toString();
        try (OpenSslServer server = OpenSslServer.start(certs, "-naccept", "1");
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            server.awaitOutput("CIPHER is", Duration.ofSeconds(5));
            c.write(ByteBuffer.wrap(("BEGIN-DATA\n" + payload + "END-DATA\n").getBytes(StandardCharsets.US_ASCII)),
                    Deadline.after(Duration.ofSeconds(10)));
            server.awaitOutput("END-DATA", Duration.ofSeconds(20));
            String out = server.output();
            String received = out.substring(out.indexOf("BEGIN-DATA\n") + 11, out.indexOf("END-DATA\n"));
            assertThat(received.length()).isEqualTo(payload.length());
            assertThat(MessageDigest.getInstance("SHA-256").digest(received.getBytes(StandardCharsets.US_ASCII)))
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.US_ASCII)));
        }
    }
}
