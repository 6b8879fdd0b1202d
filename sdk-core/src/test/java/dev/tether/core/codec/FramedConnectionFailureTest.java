package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.SocketConnector;
import dev.tether.core.TimedOutException;
import dev.tether.core.testing.ScriptedPeer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * What a framed exchange reports when the peer misbehaves over a real socket: each failure is typed, names
 * the endpoint, says whether the request may have been sent, and leaves the connection marked broken.
 */
class FramedConnectionFailureTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SocketConnector connector = SocketConnector.create();

    @Test
    void cleanEndOfStreamWhileAwaitingAResponseIsEof() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().expect("GET\n").close());
             FramedConnection<String, String> conn = open(peer.endpoint(), LineCodec.create())) {
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class,
                    () -> conn.exchange("GET", deadline()));
            assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.EOF);
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(e).hasMessageContaining(peer.endpoint().toString())
                    .hasMessageContaining("end of stream while waiting for a response")
                    .hasMessageNotContaining("truncated");
            assertThat(conn.connection().isBroken()).isTrue();
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void endOfStreamInTheMiddleOfAFrameSaysTruncated() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .expect("*1\r\n$4\r\nPING\r\n")
                .send("$10\r\nhalf")
                .closeOutput());
             FramedConnection<RespValue, RespValue> conn = open(peer.endpoint(), RespCodec.create())) {
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class,
                    () -> conn.exchange(RespValue.command("PING"), deadline()));
            assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.EOF);
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(e).hasMessageContaining("truncated").hasMessageContaining("after 9 bytes")
                    .hasMessageContaining(peer.endpoint().toString());
            assertThat(conn.connection().isBroken()).isTrue();
            assertThat(conn.hasBufferedInput()).as("the half frame is discarded").isFalse();
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void oversizedFrameIsRefusedAtItsHeaderAndBreaksTheConnection() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        // The peer announces a 1 MiB payload and then sends nothing more: waiting for it would only end at the
        // deadline, so refusing at the header is what keeps this test fast.
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .send(new byte[] {0, 0x10, 0, 0})
                .await(testDone));
             FramedConnection<byte[], byte[]> conn = open(peer.endpoint(),
                     LengthPrefixedCodec.builder().maxPayloadSize(1024).build())) {
            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> conn.receive(Deadline.after(Duration.ofSeconds(30))));
            testDone.countDown();
            assertThat(e).hasMessageContaining("announces 1048576 payload bytes, more than maxPayloadSize 1024")
                    .hasMessageContaining(peer.endpoint().toString());
            assertThat(e.endpoint()).isEqualTo(peer.endpoint());
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getCause()).as("the codec's own report").isInstanceOf(ProtocolViolationException.class);
            assertThat(conn.connection().isBroken()).isTrue();
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void endlessLineIsRefusedOnceItPassesTheLimit() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .sendInChunks("x".repeat(5000), 100)
                .await(testDone));
             FramedConnection<String, String> conn = open(peer.endpoint(),
                     LineCodec.builder().maxLineLength(1000).build())) {
            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> conn.receive(Deadline.after(Duration.ofSeconds(30))));
            testDone.countDown();
            assertThat(e).hasMessageContaining("exceeds maxLineLength 1000");
            assertThat(conn.connection().isBroken()).isTrue();
            assertThat(conn.bufferCapacity()).isZero();
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void malformedResponseBreaksTheConnectionAndLaterCallsSaySo() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .send("+OK\r\n?garbage\r\n+NEXT\r\n"));
             FramedConnection<RespValue, RespValue> conn = open(peer.endpoint(), RespCodec.create())) {
            assertThat(conn.receive(deadline())).isEqualTo(RespValue.simple("OK"));
            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> conn.receive(deadline()));
            assertThat(e).hasMessage("RESP: expected a RESP type byte ('+', '-', ':', '$' or '*') but found '?'"
                    + " at offset 0 (" + peer.endpoint() + ")");
            assertThat(conn.connection().isBroken()).isTrue();

            ConnectionClosedException later = catchThrowableOfType(ConnectionClosedException.class,
                    () -> conn.receive(deadline()));
            assertThat(later.reason()).isEqualTo(ConnectionClosedException.Reason.CLOSED_LOCALLY);
            assertThat(later).hasMessageContaining("unusable");
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void requestTheCodecCannotFrameIsNotSentAndTheConnectionStaysUsable() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().expect("fine\n").send("ok\n"));
             FramedConnection<String, String> conn = open(peer.endpoint(), LineCodec.create())) {
            ProtocolViolationException e = catchThrowableOfType(ProtocolViolationException.class,
                    () -> conn.send("two\nlines", deadline()));
            assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(e).hasMessageContaining("cannot send request").hasMessageContaining(peer.endpoint().toString());
            assertThat(conn.connection().isBroken()).isFalse();
            assertThat(conn.connection().bytesWritten()).isZero();

            assertThat(conn.exchange("fine", deadline())).isEqualTo("ok");
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void silentPeerIsAReadTimeoutThatBreaksTheConnection() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().expect("PING\n").await(testDone));
             FramedConnection<String, String> conn = open(peer.endpoint(), LineCodec.create())) {
            TimedOutException e = catchThrowableOfType(TimedOutException.class,
                    () -> conn.exchange("PING", Deadline.after(Duration.ofMillis(200))));
            testDone.countDown();
            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.READ);
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(conn.connection().isBroken()).isTrue();
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void closingWhileAnotherThreadReceivesFailsThatReadTyped() throws Exception {
        CountDownLatch testDone = new CountDownLatch(1);
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script().expect("PING\n").await(testDone));
             FramedConnection<String, String> conn = open(peer.endpoint(), LineCodec.create())) {
            java.util.concurrent.CompletableFuture<Throwable> reader = new java.util.concurrent.CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    conn.exchange("PING", deadline());
                    reader.complete(null);
                } catch (Throwable e) {
                    reader.complete(e);
                }
            });
            t.start();
            org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> conn.connection().bytesWritten() == 5);

            conn.close();

            Throwable failure = reader.get(10, java.util.concurrent.TimeUnit.SECONDS);
            testDone.countDown();
            assertThat(failure).isInstanceOfSatisfying(ConnectionClosedException.class,
                    e -> assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.CLOSED_LOCALLY));
            assertThat(conn.connection().isOpen()).isFalse();
        }
    }

    @Test
    void peerResetMidResponseIsConnectionClosed() throws Exception {
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .expect("Q\n")
                .send("partial")
                .reset());
             FramedConnection<String, String> conn = open(peer.endpoint(), LineCodec.create())) {
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class,
                    () -> conn.exchange("Q", deadline()));
            assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.RESET);
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(conn.connection().isBroken()).isTrue();
            peer.awaitDone(TIMEOUT);
        }
    }

    @Test
    void errorWhileDecodingBreaksTheConnectionSoTheHalfReadReplyIsNeverHandedToTheNextCaller() throws Exception {
        // A real OutOfMemoryError (say, allocating a large bulk string) cannot be provoked deterministically, so
        // this codec stands in for it: it decodes with RespCodec but fails the first decode with that Error.
        RespCodec resp = RespCodec.create();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Codec<RespValue, RespValue> failingOnce = new Codec<>() {
            @Override
            public java.nio.ByteBuffer encode(RespValue request) throws ProtocolViolationException {
                return resp.encode(request);
            }

            @Override
            public RespValue decode(java.nio.ByteBuffer in) throws ProtocolViolationException {
                if (failed.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("stand-in for a failed allocation while decoding");
                }
                return resp.decode(in);
            }

            @Override
            public int maxFrameSize() {
                return resp.maxFrameSize();
            }
        };
        try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
                .expect("*1\r\n$4\r\nPING\r\n")
                .send("+REPLY-TO-FIRST\r\n"));
             FramedConnection<RespValue, RespValue> conn = open(peer.endpoint(), failingOnce)) {
            assertThat(catchThrowableOfType(OutOfMemoryError.class,
                    () -> conn.exchange(RespValue.command("PING"), deadline()))).isNotNull();
            assertThat(conn.connection().isBroken()).as("an Error is a failure too").isTrue();
            assertThat(conn.hasBufferedInput()).as("the undecoded reply is discarded").isFalse();
            ConnectionClosedException later = catchThrowableOfType(ConnectionClosedException.class,
                    () -> conn.receive(deadline()));
            assertThat(later.reason()).isEqualTo(ConnectionClosedException.Reason.CLOSED_LOCALLY);
            peer.awaitDone(TIMEOUT);
        }
    }

    private <Req, Resp> FramedConnection<Req, Resp> open(Endpoint endpoint, Codec<Req, Resp> codec) throws Exception {
        return new FramedConnection<>(connector.connect(endpoint, deadline()), codec);
    }

    private static Deadline deadline() {
        return Deadline.after(TIMEOUT);
    }
}
