package dev.tether.core.codec;

import static dev.tether.core.codec.StreamFeeder.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RESP2 on the wire: exact encodings, and decoding of each type as Redis sends it. */
class RespFramingTest {
    private final RespCodec codec = RespCodec.create();

    @Test
    void commandIsAnArrayOfBulkStrings() throws Exception {
        assertThat(wire(RespValue.command("SET", "k", "v")))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
        assertThat(wire(RespValue.command("GET", "ключ")))
                .as("lengths count UTF-8 bytes").isEqualTo("*2\r\n$3\r\nGET\r\n$8\r\nключ\r\n");
    }

    @Test
    void encodesEveryType() throws Exception {
        assertThat(wire(RespValue.simple("OK"))).isEqualTo("+OK\r\n");
        assertThat(wire(RespValue.error("ERR no"))).isEqualTo("-ERR no\r\n");
        assertThat(wire(RespValue.integer(-7))).isEqualTo(":-7\r\n");
        assertThat(wire(RespValue.bulk(""))).isEqualTo("$0\r\n\r\n");
        assertThat(wire(RespValue.nullBulk())).isEqualTo("$-1\r\n");
        assertThat(wire(RespValue.nullArray())).isEqualTo("*-1\r\n");
        assertThat(wire(RespValue.array())).isEqualTo("*0\r\n");
        assertThat(wire(RespValue.array(RespValue.array(RespValue.integer(1)), RespValue.nullBulk())))
                .isEqualTo("*2\r\n*1\r\n:1\r\n$-1\r\n");
    }

    @Test
    void decodesSimpleStringsErrorsAndIntegers() throws Exception {
        assertThat(codec.decode(ascii("+PONG\r\n"))).isEqualTo(RespValue.simple("PONG"));
        RespValue error = codec.decode(ascii("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"));
        assertThat(error.isError()).isTrue();
        assertThat(((RespValue.SimpleError) error).code()).isEqualTo("WRONGTYPE");
        assertThat(codec.decode(ascii(":0\r\n")).asLong()).isZero();
        assertThat(codec.decode(ascii(":-1\r\n")).asLong()).isEqualTo(-1);
        assertThat(codec.decode(ascii(":9223372036854775807\r\n")).asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(codec.decode(ascii(":-9223372036854775808\r\n")).asLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(codec.decode(ascii("+\r\n"))).isEqualTo(RespValue.simple(""));
    }

    @Test
    void decodesNullAndEmptyBulkStringsDistinctly() throws Exception {
        RespValue nil = codec.decode(ascii("$-1\r\n"));
        assertThat(nil.isNull()).isTrue();
        assertThat(nil.asString()).isNull();
        RespValue empty = codec.decode(ascii("$0\r\n\r\n"));
        assertThat(empty.isNull()).isFalse();
        assertThat(empty.asString()).isEmpty();
        assertThat(empty).isNotEqualTo(nil);
    }

    @Test
    void decodesNullAndEmptyArraysDistinctly() throws Exception {
        RespValue nil = codec.decode(ascii("*-1\r\n"));
        assertThat(nil.isNull()).isTrue();
        assertThat(nil.asList()).isNull();
        RespValue empty = codec.decode(ascii("*0\r\n"));
        assertThat(empty.asList()).isEmpty();
    }

    @Test
    void bulkStringsAreBinarySafe() throws Exception {
        byte[] content = {'a', '\r', '\n', 0, (byte) 0xFF, '\r', '\n', '$', '-', '1', '\r', '\n'};
        ByteBuffer frame = codec.encode(RespValue.bulk(content));
        RespValue decoded = codec.decode(frame);
        assertThat(decoded.asBytes()).isEqualTo(content);
        assertThat(frame.hasRemaining()).isFalse();
    }

    @Test
    void decodesNestedRepliesLikeXread() throws Exception {
        // The shape of an XREAD reply: stream name, then entries of [id, [field, value, ...]].
        String wire = "*1\r\n*2\r\n$6\r\nstream\r\n*2\r\n"
                + "*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
                + "*2\r\n$3\r\n2-0\r\n*-1\r\n";
        RespValue reply = codec.decode(ascii(wire));
        RespValue stream = reply.asList().get(0);
        assertThat(stream.asList().get(0).asString()).isEqualTo("stream");
        List<RespValue> entries = stream.asList().get(1).asList();
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).asList().get(1).asList()).extracting(RespValue::asString).containsExactly("f", "v");
        assertThat(entries.get(1).asList().get(1).isNull()).isTrue();
        assertThat(wire(reply)).isEqualTo(wire);
    }

    @Test
    void decodesPipelinedRepliesInOrder() throws Exception {
        ByteBuffer in = ascii("+OK\r\n:1\r\n$1\r\nx\r\n*1\r\n:2\r\n-ERR x\r\n+PART");
        List<RespValue> replies = new ArrayList<>();
        StreamFeeder.drain(codec.newDecoder(), in, replies);
        assertThat(replies).containsExactly(RespValue.simple("OK"), RespValue.integer(1), RespValue.bulk("x"),
                RespValue.array(RespValue.integer(2)), RespValue.error("ERR x"));
        assertThat(in.remaining()).as("the incomplete reply stays buffered").isEqualTo(5);
    }

    @Test
    void simpleStringsAreUtf8() throws Exception {
        assertThat(wire(RespValue.simple("héllo"))).isEqualTo("+héllo\r\n");
        assertThat(codec.decode(ByteBuffer.wrap("+héllo\r\n".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(RespValue.simple("héllo"));
    }

    @Test
    void pingIsPingExpectingPong() {
        KeepAlivePing<RespValue, RespValue> ping = codec.keepAlivePing().orElseThrow();
        assertThat(ping.request()).isEqualTo(RespValue.command("PING"));
        assertThat(ping.isHealthyReply().test(RespValue.simple("PONG"))).isTrue();
        assertThat(ping.isHealthyReply().test(RespValue.bulk("PONG"))).isFalse();
        assertThat(ping.isHealthyReply().test(RespValue.error("NOAUTH Authentication required."))).isFalse();
    }

    @Test
    void streamDecoderKeepsElementsItAlreadyParsed() throws Exception {
        // A resumable decoder does not re-read elements it has parsed. Prove it by overwriting a parsed element
        // with garbage (a real stream never does that): a decoder that starts over would reject the frame.
        FrameDecoder<RespValue> decoder = codec.newDecoder();
        ByteBuffer in = ByteBuffer.allocate(64);
        in.put("*2\r\n:1\r\n:2".getBytes(StandardCharsets.US_ASCII)).flip();
        assertThat(decoder.decode(in)).isNull();
        in.put(4, (byte) '!');
        int end = in.limit();
        in.limit(end + 2).put(end, (byte) '\r').put(end + 1, (byte) '\n');
        assertThat(decoder.decode(in)).isEqualTo(RespValue.array(RespValue.integer(1), RespValue.integer(2)));
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void largeArrayInSmallPiecesDecodes() throws Exception {
        List<RespValue> elements = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            elements.add(RespValue.bulk("member-" + i));
        }
        RespValue big = RespValue.array(elements);
        byte[] wire = StreamFeeder.bytes(codec.encode(big));
        assertThat(StreamFeeder.feed(codec.newDecoder(), wire, 13)).containsExactly(big);
    }

    private String wire(RespValue value) throws Exception {
        return new String(StreamFeeder.bytes(codec.encode(value)), StandardCharsets.UTF_8);
    }
}
