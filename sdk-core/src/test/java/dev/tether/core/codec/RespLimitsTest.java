package dev.tether.core.codec;

import static dev.tether.core.codec.StreamFeeder.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RESP size limits: exactly at a limit passes, one over fails, in both directions; oversized frames are
 * refused when their header arrives, before the bytes it announces are buffered.
 */
class RespLimitsTest {

    @Test
    void bulkLengthExactlyAtTheLimitPassesOneOverFails() throws Exception {
        RespCodec codec = RespCodec.builder().maxBulkLength(10).build();
        RespValue atLimit = RespValue.bulk("0123456789");
        assertThat(codec.decode(codec.encode(atLimit))).isEqualTo(atLimit);

        assertThatThrownBy(() -> codec.encode(RespValue.bulk("0123456789A")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("bulk string of 11 bytes exceeds maxBulkLength 10");
        // Only the header has arrived: that is enough to refuse.
        assertThatThrownBy(() -> codec.decode(ascii("$11\r\n")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("RESP: bulk string of 11 bytes exceeds maxBulkLength 10 at offset 0");
    }

    @Test
    void arrayElementsExactlyAtTheLimitPassOneOverFails() throws Exception {
        RespCodec codec = RespCodec.builder().maxArrayElements(3).build();
        RespValue atLimit = RespValue.command("A", "B", "C");
        assertThat(codec.decode(codec.encode(atLimit))).isEqualTo(atLimit);

        assertThatThrownBy(() -> codec.encode(RespValue.command("A", "B", "C", "D")))
                .hasMessageContaining("array of 4 elements exceeds maxArrayElements 3");
        assertThatThrownBy(() -> codec.decode(ascii("*4\r\n")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("array of 4 elements exceeds maxArrayElements 3");
    }

    @Test
    void nestingExactlyAtTheLimitPassesOneDeeperFails() throws Exception {
        RespCodec codec = RespCodec.builder().maxDepth(3).build();
        RespValue three = RespValue.array(RespValue.array(RespValue.array(RespValue.integer(1))));
        assertThat(codec.decode(codec.encode(three))).isEqualTo(three);
        RespValue emptyInnermost = RespValue.array(RespValue.array(RespValue.array()));
        assertThat(codec.decode(codec.encode(emptyInnermost))).isEqualTo(emptyInnermost);

        RespValue four = RespValue.array(three);
        assertThatThrownBy(() -> codec.encode(four)).hasMessageContaining("arrays nested deeper than maxDepth 3");
        assertThatThrownBy(() -> codec.decode(ascii("*1\r\n*1\r\n*1\r\n*1\r\n")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("RESP: arrays nested deeper than maxDepth 3 at offset 12");
        assertThatThrownBy(() -> codec.decode(ascii("*1\r\n*1\r\n*1\r\n*-1\r\n")))
                .as("a null array counts as a level too").hasMessageContaining("maxDepth 3");
    }

    @Test
    void hostileDeepNestingFailsFastWithoutRecursion() {
        // 100k nested one-element arrays would overflow a recursive parser's stack.
        String wire = "*1\r\n".repeat(100_000);
        assertThatThrownBy(() -> RespCodec.create().decode(ascii(wire)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("maxDepth 32");
    }

    @Test
    void maxDepthIsCappedSoNoAcceptedValueCanOverflowTheStack() throws Exception {
        // Uncapped, maxDepth(100_000) let the decoder (which does not recurse) accept a value that the
        // encoder, equals, hashCode and toString (which do) then failed on with a StackOverflowError.
        assertThatThrownBy(() -> RespCodec.builder().maxDepth(100_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDepth must be at most " + RespCodec.MAX_DEPTH_LIMIT + ": 100000");

        RespCodec codec = RespCodec.builder().maxDepth(RespCodec.MAX_DEPTH_LIMIT).build();
        String deepest = "*1\r\n".repeat(RespCodec.MAX_DEPTH_LIMIT) + ":7\r\n";
        // On a thread with half the usual 1 MiB stack, so the cap is shown safe with room to spare (record
        // equals, the hungriest, takes about 1 KiB of stack per level).
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread small = new Thread(null, () -> {
            try {
                RespValue value = codec.decode(ascii(deepest));
                assertThat(StreamFeeder.bytes(codec.encode(value))).isEqualTo(ascii(deepest).array());
                assertThat(value).isEqualTo(codec.decode(ascii(deepest)));
                assertThat(value.hashCode()).isEqualTo(codec.decode(ascii(deepest)).hashCode());
                assertThat(value.toString()).endsWith(":7" + "]".repeat(RespCodec.MAX_DEPTH_LIMIT));
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        }, "small-stack", 512 * 1024);
        small.start();
        assertThat(outcome.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNull();
    }

    @Test
    void frameExactlyAtTheLimitPassesOneByteMoreFails() throws Exception {
        RespCodec codec = RespCodec.builder().maxFrameSize(20).build();
        // "$10\r\n" + 10 bytes + "\r\n" = 17 bytes; "*1\r\n" + that = 21.
        RespValue seventeen = RespValue.bulk("0123456789");
        assertThat(codec.encode(seventeen).remaining()).isEqualTo(17);
        RespValue twenty = RespValue.bulk("0123456789abc");
        assertThat(codec.encode(twenty).remaining()).isEqualTo(20);
        assertThat(codec.decode(codec.encode(twenty))).isEqualTo(twenty);

        assertThatThrownBy(() -> codec.encode(RespValue.array(seventeen)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds maxFrameSize 20")
                .extracting(e -> ((ProtocolViolationException) e).requestState()).isEqualTo(RequestState.NOT_SENT);
        assertThatThrownBy(() -> codec.decode(ascii("$14\r\n")))
                .as("refused at the header: 5 + 14 + 2 > 20")
                .hasMessageContaining("bulk string of 14 bytes would take the frame past maxFrameSize 20");
        assertThatThrownBy(() -> codec.decode(ascii("*1\r\n$10\r\n")))
                .hasMessageContaining("would take the frame past maxFrameSize 20");
    }

    @Test
    void simpleStringWithoutCrlfFailsAtTheFrameLimit() throws Exception {
        RespCodec codec = RespCodec.builder().maxFrameSize(16).build();
        assertThat(codec.decode(ascii("+" + "x".repeat(13) + "\r\n"))).isEqualTo(RespValue.simple("x".repeat(13)));
        FrameDecoder<RespValue> decoder = codec.newDecoder();
        assertThat(decoder.decode(ascii("+" + "x".repeat(14)))).as("15 bytes: CRLF could still fit").isNull();
        assertThatThrownBy(() -> decoder.decode(ascii("+" + "x".repeat(15))))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("within maxFrameSize 16 bytes but found none");
    }

    @Test
    void incompleteFrameReachingTheLimitFails() throws Exception {
        // Five complete integers and a sixth cut short: 26 bytes reach the limit, so the frame cannot end in time.
        RespCodec codec = RespCodec.builder().maxFrameSize(26).build();
        String wire = "*7\r\n" + ":1\r\n".repeat(5) + ":12";
        assertThat(wire).hasSize(27);
        assertThat(codec.decode(ascii(wire.substring(0, 25)))).isNull();
        assertThatThrownBy(() -> codec.decode(ascii(wire.substring(0, 26))))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds maxFrameSize 26");
    }

    @Test
    void announcedArrayThatCannotFitTheFrameIsRefusedBeforeAllocating() {
        RespCodec codec = RespCodec.builder().maxFrameSize(1024).maxArrayElements(1_000_000).build();
        assertThatThrownBy(() -> codec.decode(ascii("*1000000\r\n")))
                .hasMessageContaining("array of 1000000 elements cannot fit in maxFrameSize 1024");
    }

    @Test
    void defaultLimitsAndBuilderValidation() {
        RespCodec codec = RespCodec.create();
        assertThat(codec.maxFrameSize()).isEqualTo(64 * 1024 * 1024);
        assertThat(codec.maxBulkLength()).isEqualTo(64 * 1024 * 1024);
        assertThat(codec.maxArrayElements()).isEqualTo(1024 * 1024);
        assertThat(codec.maxDepth()).isEqualTo(32);
        assertThat(RespCodec.builder().maxFrameSize(1000).build().maxBulkLength())
                .as("the bulk default follows a smaller frame").isEqualTo(1000);
        assertThatThrownBy(() -> RespCodec.builder().maxFrameSize(100).maxBulkLength(101).build())
                .hasMessage("maxBulkLength 101 exceeds maxFrameSize 100");
        assertThatThrownBy(() -> RespCodec.builder().maxDepth(0)).hasMessage("maxDepth must be positive: 0");
        assertThatThrownBy(() -> RespCodec.builder().maxArrayElements(-1))
                .hasMessage("maxArrayElements must be positive: -1");
        assertThatThrownBy(() -> RespCodec.builder().maxFrameSize(8)).hasMessage("maxFrameSize must be at least 16 bytes: 8");
    }

    @Test
    void largeReplyNearTheDefaultLimitsRoundTrips() throws Exception {
        RespCodec codec = RespCodec.builder().maxArrayElements(100_000).build();
        List<RespValue> many = new ArrayList<>(Collections.nCopies(100_000, RespValue.integer(7)));
        RespValue reply = RespValue.array(many);
        assertThat(codec.decode(codec.encode(reply)).asList()).hasSize(100_000);
    }
}
