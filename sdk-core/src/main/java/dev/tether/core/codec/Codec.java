package dev.tether.core.codec;

import dev.tether.core.ErrorReplyException;
import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Turns requests into bytes and bytes back into responses. TCP is a stream, so {@link #decode(ByteBuffer)}
 * must cope with half a message, or many, in one buffer. Codecs are immutable, thread-safe and shared between
 * connections; the codecs Tether ships encode and decode the same message type, so one codec serves both a
 * client and a server.
 *
 * <p>{@link #decode(ByteBuffer)} remembers nothing between calls, so a caller that retries it as bytes trickle
 * in re-reads the partial frame each time. A connection reading a stream uses {@link #newDecoder()} instead,
 * which may remember how far it got; {@link FramedConnection} does.
 *
 * @param <Req> what a caller sends
 * @param <Resp> what comes back
 */
public interface Codec<Req, Resp> {

    /**
     * Encodes one request.
     *
     * @return a buffer ready to write (position at the first byte, limit after the last)
     * @throws ProtocolViolationException when the request cannot be framed (too large, or it contains the
     *         delimiter of a delimited protocol); nothing has been written anywhere
     */
    ByteBuffer encode(Req request) throws ProtocolViolationException;

    /**
     * Decodes one message from {@code in}, starting at its position. Only bytes between the position and the
     * limit are read; the buffer's content is never modified.
     *
     * @return the message, with {@code in}'s position moved past it; or {@code null} when more bytes are
     *         needed, with the position left unchanged
     * @throws ProtocolViolationException when the bytes are malformed or announce a frame larger than
     *         {@link #maxFrameSize()}; an oversized frame is reported as soon as that is certain, without
     *         waiting for it to arrive in full
     */
    Resp decode(ByteBuffer in) throws ProtocolViolationException;

    /**
     * The largest encoded message this codec accepts, header and delimiter included; bounds how far a read
     * buffer may grow.
     */
    int maxFrameSize();

    /**
     * A decoder for one inbound stream, which may remember its progress through a partly received frame so
     * that bytes arriving in small pieces are not re-read from the frame's start every time. It follows the
     * contract of {@link #decode(ByteBuffer)}, provided that between a call returning {@code null} and the
     * next, the caller only appends bytes after the limit (moving the unread bytes as a block, as
     * {@link ByteBuffer#compact()} does, is allowed). After it returns a message or throws, it starts afresh.
     *
     * <p>The default remembers nothing and simply calls {@link #decode(ByteBuffer)}.
     */
    default FrameDecoder<Resp> newDecoder() {
        return this::decode;
    }

    /** The application-level ping a pool may send on idle connections, if the protocol has one. */
    default Optional<KeepAlivePing<Req, Resp>> keepAlivePing() {
        return Optional.empty();
    }

    /**
     * The exception to throw for {@code response} when it is an error reply the caller asked to get as an
     * exception (see {@link RespCodec#withErrorRepliesAsExceptions()}); empty for any other response, and
     * always empty by default. A pool throws it to the caller after giving the healthy connection back, without
     * a retry and without counting a breaker failure.
     */
    default Optional<ErrorReplyException> errorReply(Resp response) {
        return Optional.empty();
    }

    /**
     * Whether the peer answers requests strictly in the order they were sent, one reply per request, so several
     * requests may be in flight on one connection and each reply matched to its request by position. A pool may
     * then share a connection between callers (pipelining, when its settings ask for it). False by default: a
     * codec must say so; line, length-prefixed and RESP codecs do (RESP's subscriptions and blocking commands
     * break the rule, and must use an exclusive connection).
     */
    default boolean repliesInOrder() {
        return false;
    }
}
