package dev.tether.core.codec;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Turns requests into bytes and bytes back into responses. TCP is a stream, so {@link #decode(ByteBuffer)}
 * must cope with half a message, or many, in one buffer. Codecs are stateless and shared between
 * connections; the codecs Tether ships encode and decode the same message type, so one codec serves both a
 * client and a server.
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
     *         delimiter of a delimited protocol)
     */
    ByteBuffer encode(Req request) throws ProtocolViolationException;

    /**
     * Decodes one message from {@code in}, starting at its position.
     *
     * @return the message, with {@code in}'s position moved past it; or {@code null} when more bytes are
     *         needed, with the position left unchanged
     * @throws ProtocolViolationException when the bytes are malformed or announce a frame larger than
     *         {@link #maxFrameSize()}
     */
    Resp decode(ByteBuffer in) throws ProtocolViolationException;

    /** The largest encoded message this codec accepts; bounds how far a read buffer may grow. */
    int maxFrameSize();

    /** The application-level ping a pool may send on idle connections, if the protocol has one. */
    default Optional<KeepAlivePing<Req, Resp>> keepAlivePing() {
        return Optional.empty();
    }
}
