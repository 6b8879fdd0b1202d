package dev.tether.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Connection;
import dev.tether.core.Endpoint;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.testing.CertSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each framing echoes exactly what a client sent, over plain TCP and over TLS, message after message. */
class EchoProtocolTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void linesComeBackAsSentInOrder(boolean tls) throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = start(EchoProtocol.LINE, tls, certs)) {
            try (FramedConnection<String, String> framed = new FramedConnection<>(connect(server, tls, certs),
                    LineCodec.create())) {
                for (int i = 0; i < 50; i++) {
                    String line = "line " + i + " héllo";
                    assertThat(framed.exchange(line, EchoClient.deadline())).isEqualTo(line);
                }
            }
            // Counted after the echo is written, so the count may trail the client by a moment.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.messagesEchoed() == 50);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void pipelinedLinesSentInOneWriteComeBackInOrder(boolean tls) throws Exception {
        // The server answers lines that arrived together in one write of their echoes; a batch that ends mid-line
        // (every 7th here) must still answer the whole lines and wait for the rest of the cut one.
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = start(EchoProtocol.LINE, tls, certs);
             FramedConnection<String, String> framed = new FramedConnection<>(connect(server, tls, certs),
                     LineCodec.create())) {
            int sent = 0;
            StringBuilder pending = new StringBuilder();
            for (int batch = 0; batch < 40; batch++) {
                StringBuilder out = new StringBuilder(pending);
                pending.setLength(0);
                for (int i = 0; i < 25; i++) {
                    out.append("batch ").append(batch).append(" line ").append(i).append(" ").append("x".repeat(i * 40))
                            .append('\n');
                }
                if (batch % 7 == 3) {
                    int cut = out.length() - 10;
                    pending.append(out, cut, out.length());
                    out.setLength(cut);
                }
                byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
                framed.connection().write(ByteBuffer.wrap(bytes), EchoClient.deadline());
                int whole = (int) out.chars().filter(c -> c == '\n').count();
                for (int i = 0; i < whole; i++) {
                    String line = framed.receive(EchoClient.deadline());
                    int n = sent + i;
                    assertThat(line).startsWith("batch " + n / 25 + " line " + n % 25 + " ");
                }
                sent += whole;
            }
            assertThat(sent).isEqualTo(40 * 25);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void lengthPrefixedFramesComeBackWhole(boolean tls) throws Exception {
        CertSet certs = CertSet.create(dir);
        Random random = new Random(7);
        try (EchoServer server = start(EchoProtocol.LENGTH, tls, certs);
             FramedConnection<byte[], byte[]> framed = new FramedConnection<>(connect(server, tls, certs),
                     LengthPrefixedCodec.create())) {
            for (int size : new int[] {0, 1, 100, 70_000, 1 << 20}) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                assertThat(framed.exchange(payload, EchoClient.deadline())).isEqualTo(payload);
            }
        }
    }

    @Test
    void rawEchoReturnsEveryByteEvenWhenTheClientSendsMoreThanOneBuffer() throws Exception {
        CertSet certs = CertSet.create(dir);
        byte[] sent = new byte[200_000];
        new Random(3).nextBytes(sent);
        try (EchoServer server = start(EchoProtocol.RAW, true, certs);
             Connection connection = connect(server, true, certs)) {
            // Write and read in turns of 20 KB so neither side's socket buffer ever fills up.
            ByteBuffer received = ByteBuffer.allocate(sent.length);
            for (int offset = 0; offset < sent.length; offset += 20_000) {
                connection.write(ByteBuffer.wrap(sent, offset, 20_000), EchoClient.deadline());
                while (received.position() < offset + 20_000) {
                    assertThat(connection.read(received, EchoClient.deadline())).isPositive();
                }
            }
            assertThat(received.array()).isEqualTo(sent);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.bytesEchoed() == sent.length);
        }
    }

    @Test
    void aLineLongerThanTheLimitClosesOnlyThatConnection() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = start(EchoProtocol.LINE, false, certs)) {
            try (Connection bad = EchoClient.plain(server.endpoint())) {
                byte[] endless = new byte[LineCodec.DEFAULT_MAX_LINE_LENGTH + 1];
                java.util.Arrays.fill(endless, (byte) 'x');
                bad.write(ByteBuffer.wrap(endless), EchoClient.deadline());
                ByteBuffer sink = ByteBuffer.allocate(16);
                assertThat(bad.read(sink, EchoClient.deadline())).isEqualTo(-1);
            }
            try (FramedConnection<String, String> good = new FramedConnection<>(EchoClient.plain(server.endpoint()),
                    LineCodec.create())) {
                assertThat(good.exchange("still here", EchoClient.deadline())).isEqualTo("still here");
            }
        }
    }

    static EchoServer start(EchoProtocol protocol, boolean tls, CertSet certs) throws Exception {
        EchoServer server = EchoServer.builder().protocol(protocol)
                .tls(tls ? certs.serverConfig().build() : null).build();
        server.start();
        return server;
    }

    static Connection connect(EchoServer server, boolean tls, CertSet certs) throws Exception {
        Endpoint endpoint = Endpoint.of("localhost", server.port());
        return tls ? EchoClient.tls(endpoint, certs.clientConfig().build()) : EchoClient.plain(endpoint);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
