package dev.tether.core.codec;

import static dev.tether.core.codec.StreamFeeder.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line framing: delimiters, charsets, the line-length limit and what encode refuses. */
class LineFramingTest {

    @Test
    void defaultsAreNewlineUtf8And64KiB() {
        LineCodec codec = LineCodec.create();
        assertThat(codec.delimiter()).containsExactly('\n');
        assertThat(codec.charset()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(codec.maxLineLength()).isEqualTo(64 * 1024);
        assertThat(codec.maxFrameSize()).isEqualTo(64 * 1024 + 1);
        assertThat(codec.keepAlivePing()).isEmpty();
    }

    @Test
    void encodesTheLineThenTheDelimiter() throws Exception {
        LineCodec crlf = LineCodec.builder().delimiter("\r\n").build();
        assertThat(StreamFeeder.bytes(crlf.encode("PING"))).isEqualTo("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(StreamFeeder.bytes(LineCodec.create().encode("ü"))).containsExactly(0xC3, 0xBC, '\n');
    }

    @Test
    void newlineDelimiterKeepsACarriageReturnInTheLine() throws Exception {
        // "\n" means exactly that byte; CRLF protocols must configure "\r\n".
        assertThat(LineCodec.create().decode(ascii("OK\r\n"))).isEqualTo("OK\r");
    }

    @Test
    void rawByteDelimiterIsUsedWhateverTheCharset() throws Exception {
        LineCodec codec = LineCodec.builder().delimiter(new byte[] {0}).build();
        ByteBuffer in = ascii("one\0two\0");
        assertThat(codec.decode(in)).isEqualTo("one");
        assertThat(codec.decode(in)).isEqualTo("two");
        assertThat(codec.decode(in)).isNull();
    }

    @Test
    void textDelimiterIsEncodedWithTheCharset() {
        LineCodec codec = LineCodec.builder().charset(StandardCharsets.UTF_16BE).delimiter("\n").build();
        assertThat(codec.delimiter()).containsExactly(0, '\n');
    }

    @Test
    void charsetThatPrefixesEveryEncodingWithAByteOrderMarkIsRefused() {
        // UTF-16 encoded "\n" as FE FF 00 0A and every line with a leading FE FF, so a real UTF-16 peer's
        // lines ("a\nb\n" is FE FF 00 61 00 0A 00 62 00 0A) never showed the delimiter at all.
        assertThatThrownBy(() -> LineCodec.builder().charset(StandardCharsets.UTF_16).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("charset UTF-16 cannot frame lines").hasMessageContaining("UTF-16BE");
        assertThat(LineCodec.builder().charset(StandardCharsets.UTF_16LE).build().delimiter())
                .containsExactly(0x0A, 0x00);
    }

    @Test
    void lineExactlyAtTheLimitPassesAndOneByteMoreFails() throws Exception {
        LineCodec codec = LineCodec.builder().maxLineLength(8).build();
        assertThat(codec.decode(ascii("12345678\n"))).isEqualTo("12345678");
        assertThat(StreamFeeder.bytes(codec.encode("12345678"))).hasSize(9);

        assertThatThrownBy(() -> codec.decode(ascii("123456789\n")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds maxLineLength 8");
        assertThatThrownBy(() -> codec.encode("123456789"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("line of 9 bytes exceeds maxLineLength 8");
    }

    @Test
    void limitCountsEncodedBytesNotCharacters() throws Exception {
        LineCodec codec = LineCodec.builder().maxLineLength(4).build();
        assertThat(codec.decode(ByteBuffer.wrap("üü\n".getBytes(StandardCharsets.UTF_8)))).isEqualTo("üü");
        assertThatThrownBy(() -> codec.encode("üüü")).hasMessageContaining("6 bytes");
    }

    @Test
    void overlongLineFailsBeforeItsDelimiterArrives() throws Exception {
        LineCodec codec = LineCodec.builder().maxLineLength(8).build();
        FrameDecoder<String> decoder = codec.newDecoder();
        ByteBuffer in = ascii("12345678");
        assertThat(decoder.decode(in)).as("8 bytes may still be followed by the delimiter").isNull();
        // The 9th byte is not the delimiter: the line can no longer end in time, so fail now, not after
        // buffering whatever else the peer sends.
        assertThatThrownBy(() -> codec.decode(ascii("123456789")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("no delimiter \"\\n\" within the first 9 bytes");
        assertThatThrownBy(() -> decoder.decode(ascii("123456789")))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void overlongLineWithTwoByteDelimiterFailsOnceTheDelimiterCannotFit() throws Exception {
        LineCodec codec = LineCodec.builder().delimiter("\r\n").maxLineLength(4).build();
        assertThat(codec.decode(ascii("1234\r"))).as("the LF may still come").isNull();
        assertThat(codec.decode(ascii("1234\r\n"))).isEqualTo("1234");
        assertThatThrownBy(() -> codec.decode(ascii("1234\rx")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds maxLineLength 4");
        assertThatThrownBy(() -> codec.decode(ascii("12345\r\n")))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void encodeRefusesALineContainingTheDelimiter() {
        assertThatThrownBy(() -> LineCodec.create().encode("two\nlines"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("contains the delimiter \"\\n\" at byte offset 3")
                .satisfies(e -> assertThat(((ProtocolViolationException) e).requestState())
                        .isEqualTo(RequestState.NOT_SENT));
        assertThatThrownBy(() -> LineCodec.builder().delimiter("\r\n").build().encode("a\r\nb"))
                .hasMessageContaining("byte offset 1");
    }

    @Test
    void encodeRefusesALineWhoseEndWouldCompleteAnOverlappingDelimiter() throws Exception {
        LineCodec codec = LineCodec.builder().delimiter("||").build();
        // "x|" + "||" reads back as "x" followed by a stray "|": refuse rather than corrupt the stream.
        assertThatThrownBy(() -> codec.encode("x|")).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("at byte offset 1");
        assertThat(codec.decode(codec.encode("x|y"))).isEqualTo("x|y");
    }

    @Test
    void invalidBytesForTheCharsetAreAViolationNotReplaced() {
        ByteBuffer in = ByteBuffer.wrap(new byte[] {'o', 'k', (byte) 0xC3, '(', '\n'});
        assertThatThrownBy(() -> LineCodec.create().decode(in))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("line is not valid UTF-8: malformed sequence of 1 unit(s) at byte offset 2")
                .hasMessageContaining("found \"\\xc3(\"");
    }

    @Test
    void unencodableTextIsRefusedByEncode() {
        LineCodec ascii = LineCodec.builder().charset(StandardCharsets.US_ASCII).build();
        assertThatThrownBy(() -> ascii.encode("naïve"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("cannot be encoded in US-ASCII: unmappable sequence of 1 unit(s) at character index 2");
        assertThatThrownBy(() -> LineCodec.create().encode("lone \ud800 surrogate"))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void pingSendsTheRequestAndExpectsTheExactReply() throws Exception {
        LineCodec codec = LineCodec.builder().delimiter("\r\n").ping("PING", "PONG").build();
        KeepAlivePing<String, String> ping = codec.keepAlivePing().orElseThrow();
        assertThat(ping.request()).isEqualTo("PING");
        assertThat(ping.isHealthyReply().test("PONG")).isTrue();
        assertThat(ping.isHealthyReply().test("PONG ")).isFalse();
        assertThat(ping.isHealthyReply().test("ERR")).isFalse();
        assertThat(LineCodec.builder().ping("PING", "PONG").noPing().build().keepAlivePing()).isEmpty();
    }

    @Test
    void builderRejectsBadValuesNamingThem() {
        assertThatThrownBy(() -> LineCodec.builder().maxLineLength(0)).hasMessage("maxLineLength must be positive: 0");
        assertThatThrownBy(() -> LineCodec.builder().delimiter("")).hasMessageContaining("delimiter must not be empty");
        assertThatThrownBy(() -> LineCodec.builder().delimiter(new byte[0])).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> LineCodec.builder().ping("PI\nNG", "PONG").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ping request");
        assertThatThrownBy(() -> LineCodec.builder().maxLineLength(3).ping("PING", "OK").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds maxLineLength 3");
        assertThatThrownBy(() -> LineCodec.builder().maxLineLength(Integer.MAX_VALUE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLineLength");
    }

    @Test
    void streamDecoderResumesItsDelimiterSearchWhereItStopped() throws Exception {
        // The resumable decoder must not re-scan bytes it already searched. Prove it by changing an already
        // searched byte to a delimiter (which a real stream never does): a decoder that re-scans would see it.
        FrameDecoder<String> decoder = LineCodec.create().newDecoder();
        ByteBuffer in = ByteBuffer.allocate(16);
        in.put("abcdef".getBytes(StandardCharsets.US_ASCII)).flip();
        assertThat(decoder.decode(in)).isNull();
        in.put(2, (byte) '\n');
        in.limit(8).put(6, (byte) 'g').put(7, (byte) '\n');
        assertThat(decoder.decode(in)).isEqualTo("ab\ndefg");
    }

    @Test
    void longLineInSmallPiecesStillDecodes() throws Exception {
        LineCodec codec = LineCodec.create();
        String line = "x".repeat(codec.maxLineLength());
        byte[] wire = StreamFeeder.bytes(codec.encode(line));
        List<String> out = StreamFeeder.feed(codec.newDecoder(), wire, 100);
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).hasSize(codec.maxLineLength());
        assertThat(new ArrayList<>(out)).containsExactly(line);
    }
}
