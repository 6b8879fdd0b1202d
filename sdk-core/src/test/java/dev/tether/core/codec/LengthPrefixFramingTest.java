package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Length-prefixed framing: header widths, the payload limit, and hostile headers. */
class LengthPrefixFramingTest {

    @Test
    void headerIsBigEndianUnsignedAndExcludesItself() throws Exception {
        byte[] payload = new byte[0x1234];
        assertThat(StreamFeeder.bytes(LengthPrefixedCodec.builder().headerBytes(2).build().encode(payload)))
                .startsWith(0x12, 0x34).hasSize(2 + 0x1234);
        assertThat(StreamFeeder.bytes(LengthPrefixedCodec.create().encode(new byte[] {7})))
                .containsExactly(0, 0, 0, 1, 7);
        assertThat(StreamFeeder.bytes(LengthPrefixedCodec.builder().headerBytes(1).build().encode(new byte[200])))
                .startsWith(200 - 256).hasSize(201);
    }

    @Test
    void defaultsAreAFourByteHeaderAnd16MiB() {
        LengthPrefixedCodec codec = LengthPrefixedCodec.create();
        assertThat(codec.headerBytes()).isEqualTo(4);
        assertThat(codec.maxPayloadSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(codec.maxFrameSize()).isEqualTo(16 * 1024 * 1024 + 4);
        assertThat(LengthPrefixedCodec.builder().headerBytes(1).build().maxPayloadSize()).isEqualTo(255);
        assertThat(LengthPrefixedCodec.builder().headerBytes(2).build().maxPayloadSize()).isEqualTo(65535);
    }

    @ParameterizedTest(name = "{0}-byte header")
    @ValueSource(ints = {1, 2, 4})
    void payloadExactlyAtTheLimitPassesAndOneMoreFails(int headerBytes) throws Exception {
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder().headerBytes(headerBytes).maxPayloadSize(100).build();
        byte[] atLimit = new byte[100];
        atLimit[99] = 9;
        assertThat(codec.decode(codec.encode(atLimit))).isEqualTo(atLimit);

        assertThatThrownBy(() -> codec.encode(new byte[101]))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("payload of 101 bytes exceeds maxPayloadSize 100")
                .extracting(e -> ((ProtocolViolationException) e).requestState()).isEqualTo(RequestState.NOT_SENT);

        // A header announcing 101 bytes fails on arrival, before any payload is buffered.
        ByteBuffer header = ByteBuffer.allocate(headerBytes);
        switch (headerBytes) {
            case 1 -> header.put((byte) 101);
            case 2 -> header.putShort((short) 101);
            default -> header.putInt(101);
        }
        header.flip();
        assertThatThrownBy(() -> codec.decode(header))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("announces 101 payload bytes, more than maxPayloadSize 100");
    }

    @Test
    void fourByteLengthWithTheTopBitSetIsRejectedNotReadAsNegative() {
        LengthPrefixedCodec codec = LengthPrefixedCodec.create();
        ByteBuffer in = ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE, 1, 2});
        assertThatThrownBy(() -> codec.decode(in))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("announces 4294967294 payload bytes, -2 as a signed int")
                .hasMessageContaining("\\xff\\xff\\xff\\xfe");
        assertThat(in.position()).isZero();
    }

    @Test
    void largestHeaderValuesAreAcceptedWhenTheLimitAllows() throws Exception {
        LengthPrefixedCodec one = LengthPrefixedCodec.builder().headerBytes(1).build();
        ByteBuffer frame = one.encode(new byte[255]);
        assertThat(frame.get(0)).isEqualTo((byte) 0xFF);
        assertThat(one.decode(frame)).hasSize(255);
    }

    @Test
    void emptyPayloadIsAMessage() throws Exception {
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder().headerBytes(2).build();
        ByteBuffer in = ByteBuffer.wrap(new byte[] {0, 0, 0, 0});
        assertThat(codec.decode(in)).isEmpty();
        assertThat(codec.decode(in)).isEmpty();
        assertThat(codec.decode(in)).isNull();
    }

    @Test
    void maxPayloadSizeMustFitTheHeaderWidth() {
        assertThatThrownBy(() -> LengthPrefixedCodec.builder().headerBytes(1).maxPayloadSize(256).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPayloadSize 256 exceeds what a 1-byte length header can express (255)");
        assertThatThrownBy(() -> LengthPrefixedCodec.builder().headerBytes(2).maxPayloadSize(65536).build())
                .hasMessage("maxPayloadSize 65536 exceeds what a 2-byte length header can express (65535)");
        assertThatThrownBy(() -> LengthPrefixedCodec.builder().maxPayloadSize(Integer.MAX_VALUE).build())
                .hasMessageContaining("4-byte length header");
        assertThat(LengthPrefixedCodec.builder().headerBytes(2).maxPayloadSize(65535).build().maxFrameSize())
                .isEqualTo(65537);
        assertThatThrownBy(() -> LengthPrefixedCodec.builder().headerBytes(3))
                .hasMessage("headerBytes must be 1, 2 or 4: 3");
        assertThatThrownBy(() -> LengthPrefixedCodec.builder().maxPayloadSize(0))
                .hasMessage("maxPayloadSize must be positive: 0");
    }

    @Test
    void pingComparesTheReplyByContentAndCannotBeChangedFromOutside() throws Exception {
        byte[] request = {'p'};
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder().ping(request, new byte[] {'o', 'k'}).build();
        request[0] = 'X';
        KeepAlivePing<byte[], byte[]> ping = codec.keepAlivePing().orElseThrow();
        assertThat(ping.request()).containsExactly('p');
        ping.request()[0] = 'Y';
        assertThat(codec.keepAlivePing().orElseThrow().request()).containsExactly('p');
        assertThat(ping.isHealthyReply().test(new byte[] {'o', 'k'})).isTrue();
        assertThat(ping.isHealthyReply().test(new byte[] {'o'})).isFalse();
        assertThatThrownBy(() -> LengthPrefixedCodec.builder().headerBytes(1).ping(new byte[256], new byte[0]).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ping");
    }
    @ParameterizedTest(name = "{0}-byte header")
    @ValueSource(ints = {2, 4})
    void headerIsReadBigEndianWhateverTheCallersBufferOrder(int headerBytes) throws Exception {
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder().headerBytes(headerBytes).build();
        byte[] wire = StreamFeeder.bytes(codec.encode(new byte[] {1, 2, 3}));
        // A caller reading a little-endian protocol around these frames may hand over such a buffer.
        ByteBuffer littleEndian = ByteBuffer.wrap(wire).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(codec.decode(littleEndian)).containsExactly(1, 2, 3);
        assertThat(littleEndian.hasRemaining()).isFalse();
        assertThat(littleEndian.order()).as("the caller's buffer is left as it was")
                .isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
    }
}
