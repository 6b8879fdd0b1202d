package dev.tether.core.codec;

import dev.tether.core.ErrorReplyException;
import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.util.Optional;

/** A {@link RespCodec} whose error replies a pool throws as {@link RespErrorException}; otherwise the same codec. */
final class RespErrorRepliesCodec implements Codec<RespValue, RespValue> {
    private final RespCodec codec;

    RespErrorRepliesCodec(RespCodec codec) {
        this.codec = codec;
    }

    @Override
    public ByteBuffer encode(RespValue request) throws ProtocolViolationException {
        return codec.encode(request);
    }

    @Override
    public RespValue decode(ByteBuffer in) throws ProtocolViolationException {
        return codec.decode(in);
    }

    @Override
    public int maxFrameSize() {
        return codec.maxFrameSize();
    }

    @Override
    public FrameDecoder<RespValue> newDecoder() {
        return codec.newDecoder();
    }

    @Override
    public Optional<KeepAlivePing<RespValue, RespValue>> keepAlivePing() {
        return codec.keepAlivePing();
    }

    @Override
    public boolean repliesInOrder() {
        return codec.repliesInOrder();
    }

    @Override
    public Optional<ErrorReplyException> errorReply(RespValue response) {
        return response instanceof RespValue.SimpleError error
                ? Optional.of(new RespErrorException(error)) : Optional.empty();
    }

    @Override
    public String toString() {
        return codec + " (error replies as RespErrorException)";
    }
}
