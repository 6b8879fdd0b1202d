package dev.tether.core.codec;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;

/**
 * Decodes the frames of one inbound stream; made by {@link Codec#newDecoder()}. Unlike a codec it may hold
 * state about the frame in progress, so it belongs to one connection and one reading thread.
 *
 * @param <Resp> the decoded message type
 */
@FunctionalInterface
public interface FrameDecoder<Resp> {

    /**
     * Decodes one message from {@code in}, starting at its position, with the contract of
     * {@link Codec#decode(ByteBuffer)} and {@link Codec#newDecoder()}.
     *
     * @return the message with the position moved past it, or {@code null} (position unchanged) when more
     *         bytes are needed
     * @throws ProtocolViolationException when the bytes are malformed or the frame is too large
     */
    Resp decode(ByteBuffer in) throws ProtocolViolationException;
}
