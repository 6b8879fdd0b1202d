package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Which codecs declare replies in request order (what lets a pool pipeline calls): the shipped ones do, RESP
 * with error replies as exceptions too, and a codec that says nothing does not.
 */
class RepliesInOrderTest {
    @Test
    void shippedCodecsAnswerInOrder() {
        assertThat(LineCodec.create().repliesInOrder()).isTrue();
        assertThat(LengthPrefixedCodec.create().repliesInOrder()).isTrue();
        assertThat(RespCodec.create().repliesInOrder()).isTrue();
        assertThat(RespCodec.create().withErrorRepliesAsExceptions().repliesInOrder()).isTrue();
    }

    @Test
    void aCodecThatDoesNotSaySoIsNotInOrder() {
        Codec<String, String> custom = new Codec<>() {
            @Override
            public ByteBuffer encode(String request) {
                return ByteBuffer.wrap(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public String decode(ByteBuffer in) throws ProtocolViolationException {
                return null;
            }

            @Override
            public int maxFrameSize() {
                return 16;
            }
        };
        assertThat(custom.repliesInOrder()).isFalse();
    }
}
