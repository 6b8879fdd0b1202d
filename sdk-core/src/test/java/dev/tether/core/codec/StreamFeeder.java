package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers bytes to a decoder the way a socket reader does: appended after the limit in chunks, decoding
 * after each, consumed bytes compacted away. Checks the decode contract on every call: {@code null} leaves
 * the position where it was, a message moves it forward.
 */
final class StreamFeeder {
    private StreamFeeder() {
    }

    /** Chunks of {@code chunk} bytes, compacting after every chunk. */
    static <R> List<R> feed(FrameDecoder<R> decoder, byte[] wire, int chunk) throws ProtocolViolationException {
        List<Integer> cuts = new ArrayList<>();
        for (int at = chunk; at < wire.length; at += chunk) {
            cuts.add(at);
        }
        return feedCutAt(decoder, wire, cuts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Delivers {@code wire} in pieces ending at each of {@code cuts} (ascending), then the rest. */
    static <R> List<R> feedCutAt(FrameDecoder<R> decoder, byte[] wire, int... cuts) throws ProtocolViolationException {
        // Sized to hold everything, so compaction is what moves bytes, never reallocation.
        ByteBuffer buf = ByteBuffer.allocate(wire.length + 1).limit(0);
        List<R> out = new ArrayList<>();
        int delivered = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int upTo = i < cuts.length ? cuts[i] : wire.length;
            int n = upTo - delivered;
            if (n < 0) {
                throw new IllegalArgumentException("cuts must ascend");
            }
            int limit = buf.limit();
            buf.limit(limit + n);
            buf.put(limit, wire, delivered, n);
            delivered = upTo;
            drain(decoder, buf, out);
            // Move the unconsumed tail to the front, as a reader's compaction does.
            buf.compact().flip();
        }
        assertThat(buf.remaining()).as("bytes left undecoded").isZero();
        return out;
    }

    /** Every message already complete in {@code buf}. */
    static <R> void drain(FrameDecoder<R> decoder, ByteBuffer buf, List<R> out) throws ProtocolViolationException {
        while (buf.hasRemaining()) {
            int before = buf.position();
            R message = decoder.decode(buf);
            if (message == null) {
                assertThat(buf.position()).as("position after an incomplete decode").isEqualTo(before);
                return;
            }
            assertThat(buf.position()).as("position after a decoded message").isGreaterThan(before);
            out.add(message);
        }
    }

    /** All bytes of {@code frames}, concatenated. */
    static byte[] concat(List<ByteBuffer> frames) {
        int total = frames.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(total);
        frames.forEach(f -> all.put(f.duplicate()));
        return all.array();
    }

    static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.duplicate().get(b);
        return b;
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
