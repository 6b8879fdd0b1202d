package dev.tether.core.codec;

import static dev.tether.core.codec.StreamFeeder.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * RESP's bound on elements per reply, counted at every depth: exactly at the limit passes, one over fails as soon
 * as the array header announcing it arrives, in both directions; the count starts afresh with each reply.
 */
class RespTotalElementsTest {
    /** 2 + 2 + 1 = 5 elements at three depths. */
    private static final String FIVE = "*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n:3\r\n";
    /** 2 + 3 + 1 = 6 elements. */
    private static final String SIX = "*2\r\n*3\r\n:1\r\n:2\r\n:4\r\n*1\r\n:3\r\n";

    private final RespCodec codec = RespCodec.builder().maxTotalElements(5).build();

    @Test
    void totalExactlyAtTheLimitPassesOneOverFailsAtItsHeader() throws Exception {
        RespValue five = codec.decode(ascii(FIVE));
        assertThat(five).isEqualTo(RespValue.array(RespValue.array(RespValue.integer(1), RespValue.integer(2)),
                RespValue.array(RespValue.integer(3))));
        assertThat(codec.encode(five)).isEqualTo(ascii(FIVE));

        // Only the headers up to the one taking the reply past the limit have arrived: enough to refuse.
        assertThatThrownBy(() -> codec.decode(ascii("*2\r\n*4\r\n")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("RESP: array of 4 elements takes the reply past maxTotalElements 5 (2 announced before"
                        + " it) at offset 4");
        assertThatThrownBy(() -> codec.encode(RespCodec.create().decode(ascii(SIX))))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("value holds more than maxTotalElements 5 elements");
    }

    @Test
    void eachReplyCountsAfresh() throws Exception {
        FrameDecoder<RespValue> decoder = codec.newDecoder();
        ByteBuffer pipelined = ascii(FIVE + FIVE + FIVE);
        for (int i = 0; i < 3; i++) {
            assertThat(decoder.decode(pipelined)).as("reply %d", i).isNotNull();
        }
        assertThat(pipelined.hasRemaining()).isFalse();
    }

    @Test
    void defaultsAndValidation() {
        assertThat(RespCodec.create().maxTotalElements()).isEqualTo(1024 * 1024)
                .isEqualTo(RespCodec.DEFAULT_MAX_TOTAL_ELEMENTS);
        assertThat(RespCodec.builder().maxArrayElements(2 * 1024 * 1024).build().maxTotalElements())
                .as("the default follows a larger per-array limit").isEqualTo(2 * 1024 * 1024);
        assertThat(RespCodec.builder().maxTotalElements(10).build().maxTotalElements()).isEqualTo(10);
        assertThatThrownBy(() -> RespCodec.builder().maxTotalElements(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxTotalElements must be positive: 0");
        assertThatThrownBy(() -> RespCodec.builder().maxTotalElements(-3))
                .hasMessage("maxTotalElements must be positive: -3");
        assertThat(RespCodec.create().toString()).contains("maxTotalElements=1048576");
    }
}
