package dev.tether.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worst reply each codec accepts under its limits costs at most a small, stated multiple of its frame size
 * in allocated memory (measured with the JVM's per-thread allocation counter), so a hostile peer cannot turn a
 * frame the limits let through into gigabytes of objects. The limits are scaled down (a 4 MiB frame) so the test
 * is fast, keeping the defaults' ratio of elements to frame bytes; the multiples are the ones the codecs'
 * Javadoc states.
 */
class HostileReplyMemoryTest {
    private static final int FRAME = 4 * 1024 * 1024;
    /** Stated in RespCodec's Javadoc, for limits with at most one element per 64 frame bytes (the defaults). */
    private static final double RESP_MULTIPLE = 4;
    /** Stated in LineCodec's Javadoc. */
    private static final double LINE_MULTIPLE = 4;
    /** Stated in LengthPrefixedCodec's Javadoc. */
    private static final double LENGTH_PREFIXED_MULTIPLE = 1.25;

    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounter() {
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    /** Scaled-down RESP limits: the default ratio of one element per 64 frame bytes. */
    private static RespCodec resp() {
        return RespCodec.builder().maxFrameSize(FRAME).maxTotalElements(FRAME / 64).build();
    }

    @Test
    void defaultRespLimitsKeepTheStatedRatio() {
        RespCodec defaults = RespCodec.create();
        assertThat(defaults.maxTotalElements()).isLessThanOrEqualTo(defaults.maxFrameSize() / 64);
        assertThat(resp().maxTotalElements()).isEqualTo(FRAME / 64);
    }

    @Test
    void worstRespRepliesCostAtMostTheStatedMultiple() throws Exception {
        RespCodec codec = resp();
        int elements = codec.maxTotalElements();
        Map<String, byte[]> replies = new LinkedHashMap<>();
        replies.put("one bulk string filling the frame", padded(new StringBuilder(), 0));
        for (String tiny : new String[] {"+\r\n", "+a\r\n", "-\r\n", ":0\r\n", "$0\r\n\r\n", "*0\r\n", "*-1\r\n",
                "$-1\r\n"}) {
            // As many tiny elements as the limit allows, the rest of the frame one bulk string.
            StringBuilder sb = new StringBuilder("*").append(elements).append("\r\n");
            sb.append(tiny.repeat(elements - 1));
            replies.put("flat array of '" + tiny.replace("\r\n", "\\r\\n") + "'", padded(sb, 0));
        }
        // Arrays of one element: each costs its array's objects and counts twice towards the total.
        int pairs = elements / 2;
        StringBuilder nested = new StringBuilder("*").append(pairs).append("\r\n");
        nested.append("*1\r\n+\r\n".repeat(pairs - 1));
        replies.put("array of arrays of one empty string", padded(nested, 0));
        // Chains 31 deep, as deep as the default nesting allows under the top array.
        int depth = RespCodec.DEFAULT_MAX_DEPTH - 1;
        int chains = elements / depth;
        StringBuilder deep = new StringBuilder("*").append(chains).append("\r\n");
        deep.append(("*1\r\n".repeat(depth - 1) + ":0\r\n").repeat(chains - 1));
        replies.put("array of 31-deep chains", padded(deep, 0));

        Map<String, Double> multiples = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> reply : replies.entrySet()) {
            byte[] frame = reply.getValue();
            assertThat(frame.length).as(reply.getKey()).isEqualTo(FRAME);
            multiples.put(reply.getKey() + ", whole", measure(() -> decodeWhole(codec, frame)) / (double) FRAME);
            multiples.put(reply.getKey() + ", in 64 KiB pieces",
                    measure(() -> decodeInPieces(codec, frame, 64 * 1024)) / (double) FRAME);
        }

        assertThat(multiples.values()).as("allocated bytes per frame byte: %s", multiples)
                .allSatisfy(m -> assertThat(m).isLessThanOrEqualTo(RESP_MULTIPLE));
        System.out.println("RESP allocation per frame byte: " + multiples);
    }

    @Test
    void anArrayHeaderReservesNothingForElementsNotYetArrived() throws Exception {
        ByteBuffer header = ByteBuffer.wrap("*1000000\r\n".getBytes(StandardCharsets.US_ASCII));
        FrameDecoder<RespValue> decoder = RespCodec.create().newDecoder();
        decoder.decode(header.duplicate()); // class loading and first-use costs out of the way

        FrameDecoder<RespValue> fresh = RespCodec.create().newDecoder();
        long allocated = measure(() -> assertThat(fresh.decode(header.duplicate())).isNull());

        assertThat(allocated).as("bytes allocated for a 10-byte header").isLessThan(1024);
    }

    @Test
    void arrayHeadersAloneCannotAnnounceMoreThanTheTotal() {
        RespCodec codec = RespCodec.create();
        String twoHeaders = "*2\r\n*1048576\r\n*1\r\n";

        assertThatThrownBy(() -> codec.decode(ByteBuffer.wrap(twoHeaders.getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessage("RESP: array of 1048576 elements takes the reply past maxTotalElements 1048576"
                        + " (2 announced before it) at offset 4");
    }

    @Test
    void longestLineCostsAtMostTheStatedMultiple() throws Exception {
        LineCodec codec = LineCodec.builder().maxLineLength(FRAME).build();
        Map<String, Double> multiples = new LinkedHashMap<>();
        // ASCII, two-byte, three-byte and four-byte UTF-8: each changes what the decoded string costs.
        for (String unit : new String[] {"a", "\u00e9", "\u4e2d", "\ud83d\ude00"}) {
            int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
            byte[] line = (unit.repeat(FRAME / unitBytes) + "\n").getBytes(StandardCharsets.UTF_8);
            multiples.put(unitBytes + "-byte characters, whole",
                    measure(() -> decodeWhole(codec, line)) / (double) FRAME);
            multiples.put(unitBytes + "-byte characters, in 64 KiB pieces",
                    measure(() -> decodeInPieces(codec, line, 64 * 1024)) / (double) FRAME);
        }

        assertThat(multiples.values()).as("allocated bytes per frame byte: %s", multiples)
                .allSatisfy(m -> assertThat(m).isLessThanOrEqualTo(LINE_MULTIPLE));
        System.out.println("Line allocation per frame byte: " + multiples);
    }

    @Test
    void largestPayloadCostsAtMostTheStatedMultiple() throws Exception {
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder().maxPayloadSize(FRAME - 4).build();
        byte[] frame = new byte[FRAME];
        ByteBuffer.wrap(frame).putInt(FRAME - 4);
        Map<String, Double> multiples = new LinkedHashMap<>();
        multiples.put("whole", measure(() -> decodeWhole(codec, frame)) / (double) FRAME);
        multiples.put("in 64 KiB pieces", measure(() -> decodeInPieces(codec, frame, 64 * 1024)) / (double) FRAME);

        assertThat(multiples.values()).as("allocated bytes per frame byte: %s", multiples)
                .allSatisfy(m -> assertThat(m).isLessThanOrEqualTo(LENGTH_PREFIXED_MULTIPLE));
        System.out.println("Length-prefixed allocation per frame byte: " + multiples);
    }

    /** Appends one bulk string that brings the frame to exactly {@link #FRAME} bytes. */
    private static byte[] padded(StringBuilder prefix, int unused) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(FRAME);
        byte[] head = prefix.toString().getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(head);
        int left = FRAME - head.length;
        // "$" + digits + CRLF + data + CRLF; the digit count depends on the length, so try the widths.
        for (int digits = 1; digits <= 8; digits++) {
            int data = left - 1 - digits - 4;
            if (Integer.toString(data).length() == digits) {
                out.writeBytes(("$" + data + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(new byte[data]);
                out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                return out.toByteArray();
            }
        }
        throw new IllegalStateException("cannot pad " + left + " bytes");
    }

    private static <T> void decodeWhole(Codec<?, T> codec, byte[] frame) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(frame);
        assertThat(codec.newDecoder().decode(in)).isNotNull();
        assertThat(in.hasRemaining()).isFalse();
    }

    /** As {@link FramedConnection} does: the same decoder, called again as each piece is appended. */
    private static <T> void decodeInPieces(Codec<?, T> codec, byte[] frame, int piece) throws Exception {
        FrameDecoder<T> decoder = codec.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(frame);
        for (int limit = piece; ; limit += piece) {
            in.limit(Math.min(limit, frame.length));
            T value = decoder.decode(in);
            if (value != null) {
                assertThat(in.position()).isEqualTo(frame.length);
                return;
            }
            assertThat(in.limit()).as("complete frame not decoded").isLessThan(frame.length);
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Bytes this thread allocated running {@code work} (the assertions in it allocate next to nothing). */
    private static long measure(Work work) throws Exception {
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
