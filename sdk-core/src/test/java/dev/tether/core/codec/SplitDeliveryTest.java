package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TCP delivers a stream, not messages: every codec must decode the same messages whether they arrive split at
 * any byte, one byte at a time, in odd chunks, or all in one read. Each case runs with the stateless
 * {@link Codec#decode} and with a per-stream {@link Codec#newDecoder()}.
 */
class SplitDeliveryTest {

    /** A codec and messages that round-trip through it; {@code normalize} makes byte arrays comparable. */
    record Case<M>(String name, Codec<M, M> codec, List<M> messages, Function<M, Object> normalize) {
        @Override
        public String toString() {
            return name;
        }

        byte[] wire() throws ProtocolViolationException {
            List<ByteBuffer> frames = new ArrayList<>();
            for (M m : messages) {
                frames.add(codec.encode(m));
            }
            return StreamFeeder.concat(frames);
        }

        List<Object> expected() {
            return messages.stream().map(normalize).toList();
        }

        List<Object> normalized(List<M> decoded) {
            return decoded.stream().map(normalize).toList();
        }

        List<Supplier<FrameDecoder<M>>> decoders() {
            return List.of(() -> codec::decode, codec::newDecoder);
        }
    }

    static Stream<Case<?>> cases() {
        Function<String, Object> same = s -> s;
        Function<byte[], Object> hex = b -> HexFormat.of().formatHex(b);
        Function<RespValue, Object> resp = v -> v;
        byte[] binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        return Stream.of(
                new Case<>("line \\n", LineCodec.create(),
                        List.of("hello", "", "ünïcödé ✓ 日本", "carriage\rreturn", "tab\tseparated"), same),
                new Case<>("line \\r\\n", LineCodec.builder().delimiter("\r\n").build(),
                        List.of("+OK", "bare\nnewline", "ends with CR\r", "", "x"), same),
                new Case<>("line multi-byte delimiter", LineCodec.builder().delimiter("<EOM>").build(),
                        List.of("a<EOM", "<EO", "M>", "", "plain"), same),
                new Case<>("line ISO-8859-1", LineCodec.builder().charset(StandardCharsets.ISO_8859_1).build(),
                        List.of("caf\u00e9", "\u00ff\u00fe"), same),
                new Case<>("length 1-byte", LengthPrefixedCodec.builder().headerBytes(1).build(),
                        List.of(new byte[0], bytes("a"), Arrays.copyOf(binary, 255), bytes("end")), hex),
                new Case<>("length 2-byte", LengthPrefixedCodec.builder().headerBytes(2).build(),
                        List.of(binary, new byte[0], bytes("\r\n")), hex),
                new Case<>("length 4-byte", LengthPrefixedCodec.create(),
                        List.of(bytes("first"), new byte[0], binary, bytes("last")), hex),
                new Case<>("RESP", RespCodec.create(), List.of(
                        RespValue.command("SET", "key", "value"),
                        RespValue.simple("OK"),
                        RespValue.error("ERR unknown command 'FOO'"),
                        RespValue.integer(-42),
                        RespValue.integer(Long.MIN_VALUE),
                        RespValue.bulk("line one\r\nline two"),
                        RespValue.bulk(""),
                        RespValue.nullBulk(),
                        RespValue.nullArray(),
                        RespValue.array(),
                        RespValue.array(RespValue.array(RespValue.integer(1), RespValue.nullBulk()),
                                RespValue.array(RespValue.array(RespValue.simple("deep"))), RespValue.array()),
                        RespValue.bulk(binary)), resp));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <M> void splitAtEveryByteBoundary(Case<M> c) throws Exception {
        byte[] wire = c.wire();
        for (Supplier<FrameDecoder<M>> decoder : c.decoders()) {
            for (int cut = 0; cut <= wire.length; cut++) {
                List<M> decoded = StreamFeeder.feedCutAt(decoder.get(), wire, cut);
                assertThat(c.normalized(decoded)).as("split at byte %d of %d", cut, wire.length)
                        .containsExactlyElementsOf(c.expected());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <M> void oneByteAtATime(Case<M> c) throws Exception {
        byte[] wire = c.wire();
        for (Supplier<FrameDecoder<M>> decoder : c.decoders()) {
            assertThat(c.normalized(StreamFeeder.feed(decoder.get(), wire, 1))).containsExactlyElementsOf(c.expected());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <M> void oddSizedChunks(Case<M> c) throws Exception {
        byte[] wire = c.wire();
        for (Supplier<FrameDecoder<M>> decoder : c.decoders()) {
            for (int chunk : new int[] {2, 3, 7, 64}) {
                assertThat(c.normalized(StreamFeeder.feed(decoder.get(), wire, chunk))).as("chunks of %d", chunk)
                        .containsExactlyElementsOf(c.expected());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <M> void manyMessagesCoalescedInOneBuffer(Case<M> c) throws Exception {
        byte[] wire = c.wire();
        for (Supplier<FrameDecoder<M>> decoder : c.decoders()) {
            ByteBuffer all = ByteBuffer.wrap(wire);
            List<M> decoded = new ArrayList<>();
            StreamFeeder.drain(decoder.get(), all, decoded);
            assertThat(all.hasRemaining()).isFalse();
            assertThat(c.normalized(decoded)).containsExactlyElementsOf(c.expected());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    <M> void everyProperPrefixOfAFrameIsIncomplete(Case<M> c) throws Exception {
        for (M message : c.messages()) {
            byte[] frame = StreamFeeder.bytes(c.codec().encode(message));
            for (int len = 0; len < frame.length; len++) {
                // Offset the frame inside the buffer so a decoder that assumes position 0 would fail.
                ByteBuffer buf = ByteBuffer.allocate(len + 5);
                buf.position(5).put(frame, 0, len).flip().position(5);
                assertThat(c.codec().decode(buf)).as("%d of %d bytes", len, frame.length).isNull();
                assertThat(buf.position()).isEqualTo(5);
            }
            ByteBuffer whole = ByteBuffer.wrap(frame);
            assertThat(c.normalize().apply(c.codec().decode(whole))).isEqualTo(c.normalize().apply(message));
            assertThat(whole.hasRemaining()).isFalse();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
