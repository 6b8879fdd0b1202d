package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.core.testing.EchoServer;
import dev.tether.core.testing.ScriptedPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole messages over real loopback sockets, however the bytes are cut up on the way. */
class FramedExchangeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SocketConnector connector = SocketConnector.create();

    @Test
    void everyCodecRoundTripsThroughAnEchoServer() throws Exception {
        try (EchoServer echo = EchoServer.start()) {
            try (FramedConnection<String, String> lines = open(echo, LineCodec.builder().delimiter("\r\n").build())) {
                assertThat(lines.exchange("hello ✓", deadline())).isEqualTo("hello ✓");
                assertThat(lines.exchange("", deadline())).isEmpty();
            }
            try (FramedConnection<byte[], byte[]> frames = open(echo, LengthPrefixedCodec.create())) {
                byte[] payload = {0, 1, '\r', '\n', (byte) 0xFF};
                assertThat(frames.exchange(payload, deadline())).isEqualTo(payload);
                assertThat(frames.exchange(new byte[0], deadline())).isEmpty();
            }
            try (FramedConnection<RespValue, RespValue> resp = open(echo, RespCodec.create())) {
                RespValue nested = RespValue.array(RespValue.command("SET", "k", "v"), RespValue.nullBulk(),
                        RespValue.integer(-1), RespValue.array(RespValue.nullArray()));
                assertThat(resp.exchange(nested, deadline())).isEqualTo(nested);
            }
        }
    }

    @Test
    void pipelinedRequestsComeBackInOrder() throws Exception {
        try (EchoServer echo = EchoServer.start();
             FramedConnection<RespValue, RespValue> resp = open(echo, RespCodec.create())) {
            List<RespValue> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RespValue command = RespValue.command("INCRBY", "counter", Integer.toString(i));
                sent.add(command);
                resp.send(command, deadline());
            }
            List<RespValue> received = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) {
                received.add(resp.receive(deadline()));
            }
            assertThat(received).containsExactlyElementsOf(sent);
            assertThat(resp.hasBufferedInput()).isFalse();
        }
    }

    @Test
    void receiveBufferedHandsOutOnlyWholeMessagesAlreadyRead() throws Exception {
        String replies = "one\ntwo\nthr";
        CountDownLatch rest = new CountDownLatch(1);
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().expect("go\n").send(replies)
                .await(rest).send("ee\n"));
             FramedConnection<String, String> lines = open(peer.endpoint(), LineCodec.create())) {
            assertThat(lines.receiveBuffered()).as("nothing read yet").isNull();
            lines.send("go", deadline());
            // Waits for the network, not for time: every byte of the first batch is in the socket before the read.
            Deadline arrival = deadline();
            while (lines.connection().available() < replies.length()) {
                assertThat(arrival.remainingNanos()).as("first batch arrived").isPositive();
                Thread.onSpinWait();
            }
            assertThat(lines.receive(deadline())).isEqualTo("one");
            assertThat(lines.receiveBuffered()).isEqualTo("two");
            assertThat(lines.receiveBuffered()).as("a partial line is not a message").isNull();
            assertThat(lines.connection().bytesRead()).as("receiveBuffered never reads").isEqualTo(replies.length());
            rest.countDown();
            assertThat(lines.receive(deadline())).isEqualTo("three");
            assertThat(lines.hasBufferedInput()).isFalse();
        }
    }

    @Test
    void responseDeliveredOneByteAtATimeIsReassembled() throws Exception {
        byte[] reply = ("*3\r\n$5\r\nhello\r\n*2\r\n:-42\r\n$-1\r\n+OK\r\n").getBytes(StandardCharsets.US_ASCII);
        AtomicReference<Connection> client = new AtomicReference<>();
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .expect("*1\r\n$4\r\nINFO\r\n")
                .sendLockstep(reply, () -> client.get() == null ? 0 : client.get().bytesRead()))) {
            try (FramedConnection<RespValue, RespValue> resp = open(peer.endpoint(), RespCodec.create())) {
                client.set(resp.connection());
                RespValue answer = resp.exchange(RespValue.command("INFO"), deadline());
                assertThat(answer).isEqualTo(RespValue.array(RespValue.bulk("hello"),
                        RespValue.array(RespValue.integer(-42), RespValue.nullBulk()), RespValue.simple("OK")));
                assertThat(resp.connection().bytesRead()).isEqualTo(reply.length);
            }
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void everyCodecSurvivesByteSizedWritesFromThePeer() throws Exception {
        LineCodec lineCodec = LineCodec.builder().delimiter("\r\n").build();
        LengthPrefixedCodec lengthCodec = LengthPrefixedCodec.builder().headerBytes(2).build();
        byte[] lines = "first\r\nsecond\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] frames = StreamFeeder.concat(List.of(lengthCodec.encode(new byte[] {1, 2, 3}),
                lengthCodec.encode(new byte[300])));
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().sendInChunks(lines, 1).closeOutput());
             FramedConnection<String, String> conn = open(peer.endpoint(), lineCodec)) {
            assertThat(conn.receive(deadline())).isEqualTo("first");
            assertThat(conn.receive(deadline())).isEqualTo("second");
            peer.awaitDone(TIMEOUT);
        }
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().sendInChunks(frames, 1).closeOutput());
             FramedConnection<byte[], byte[]> conn = open(peer.endpoint(), lengthCodec)) {
            assertThat(conn.receive(deadline())).containsExactly(1, 2, 3);
            assertThat(conn.receive(deadline())).hasSize(300);
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void coalescedFramesAreKeptForLaterReceives() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .send("one\ntwo\nthree\nfo")
                .signal(written)
                .send("ur\n"))) {
            try (FramedConnection<String, String> conn = open(peer.endpoint(), LineCodec.create())) {
                assertThat(written.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                assertThat(conn.receive(deadline())).isEqualTo("one");
                long afterFirst = conn.connection().bytesRead();
                assertThat(conn.hasBufferedInput()).isTrue();
                assertThat(conn.receive(deadline())).isEqualTo("two");
                assertThat(conn.receive(deadline())).isEqualTo("three");
                assertThat(conn.connection().bytesRead()).as("served from the buffer, no new read").isEqualTo(afterFirst);
                assertThat(conn.receive(deadline())).isEqualTo("four");
                assertThat(conn.hasBufferedInput()).isFalse();
            }
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void bufferGrowsForALargeFrameThenShrinksBack() throws Exception {
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder().maxPayloadSize(100_000).build();
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 251);
        }
        try (EchoServer echo = EchoServer.start();
             FramedConnection<byte[], byte[]> conn = new FramedConnection<>(
                     connector.connect(echo.endpoint(), deadline()), codec, 256)) {
            assertThat(conn.bufferCapacity()).as("nothing allocated before the first receive").isZero();
            assertThat(conn.exchange(new byte[] {7}, deadline())).containsExactly(7);
            assertThat(conn.bufferCapacity()).isEqualTo(256);

            assertThat(conn.exchange(big, deadline())).as("a frame exactly at the limit").isEqualTo(big);
            assertThat(conn.bufferCapacity()).as("the grown buffer is released once empty").isLessThanOrEqualTo(256);

            assertThat(conn.exchange(new byte[] {8}, deadline())).containsExactly(8);
            assertThat(conn.bufferCapacity()).isEqualTo(256);
        }
    }

    @Test
    void unixDomainSocketCarriesFramesToo(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("peer.sock");
        try (ScriptedPeer peer = ScriptedPeer.startUnix(socket, ScriptedPeer.script()
                .expect("PING\r\n")
                .sendInChunks("PONG\r\n", 2))) {
            assertThat(Files.exists(socket)).isTrue();
            LineCodec codec = LineCodec.builder().delimiter("\r\n").ping("PING", "PONG").build();
            try (FramedConnection<String, String> conn = open(peer.endpoint(), codec)) {
                KeepAlivePing<String, String> ping = codec.keepAlivePing().orElseThrow();
                assertThat(ping.isHealthyReply().test(conn.exchange(ping.request(), deadline()))).isTrue();
            }
            peer.awaitDone(TIMEOUT);
        }
    }

    private <Req, Resp> FramedConnection<Req, Resp> open(EchoServer server, Codec<Req, Resp> codec) throws Exception {
        return open(server.endpoint(), codec);
    }

    private <Req, Resp> FramedConnection<Req, Resp> open(dev.tether.core.Endpoint endpoint, Codec<Req, Resp> codec)
            throws Exception {
        return new FramedConnection<>(connector.connect(endpoint, deadline()), codec);
    }

    private static Deadline deadline() {
        return Deadline.after(TIMEOUT);
    }
}
