package dev.tether.core.codec;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Redis serialization protocol, version 2 (RESP2), in both directions: {@link RespValue}s in and out, so
 * one codec serves a Redis client and a test double of a Redis server. Inline commands (plain text lines a
 * human types into telnet) are not part of it.
 *
 * <p>Decoding is strict and bounded: a bad type byte, a missing CRLF, a non-numeric or negative length (other
 * than the {@code -1} of a null), a bulk string over {@link #maxBulkLength()}, an array over
 * {@link #maxArrayElements()}, a reply whose arrays together announce more than {@link #maxTotalElements()}
 * elements, nesting deeper than {@link #maxDepth()}, or a frame over {@link #maxFrameSize()} is a
 * {@link ProtocolViolationException} saying what was expected and what was found. Sizes and counts are checked
 * when a header arrives, before the bytes or elements it announces are buffered or parsed.
 *
 * <p><b>Memory.</b> A decoded element costs objects far larger than its few bytes on the wire (a 4-byte
 * {@code *1\r\n} costs about 130 bytes of objects), so the frame size alone does not bound memory: a 64 MiB
 * frame of tiny nested elements would allocate over 2 GiB. {@link #maxTotalElements()} bounds that part.
 * Decoding one reply allocates about its frame's bytes plus at most about 130 bytes per element (measured with
 * compressed references); with the default limits, or any that keep {@code maxTotalElements} at most
 * {@code maxFrameSize / 64}, that is <b>at most 4 times the frame size</b> (3.0 times measured for the worst
 * reply). An array header reserves no room for the elements it announces until their bytes have arrived, so a
 * 10-byte {@code *1000000\r\n} costs a few hundred bytes, not megabytes. (The read buffer of a
 * {@link FramedConnection} comes on top: up to the frame size.)
 *
 * <p>{@link #newDecoder()} keeps the elements of a large reply it has already parsed, so a reply arriving in
 * small pieces is parsed once: a bulk string costs a header parse per call until it is complete, an array
 * resumes at its first unparsed element. {@link #decode(ByteBuffer)} starts over on every call.
 *
 * <p>The keep-alive ping is {@code PING}, answered by {@code +PONG}. Immutable and thread-safe.
 */
public final class RespCodec implements Codec<RespValue, RespValue> {
    /** Default largest frame: 64 MiB. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;
    /** Default largest bulk string: 64 MiB (and never more than the frame). */
    public static final int DEFAULT_MAX_BULK_LENGTH = 64 * 1024 * 1024;
    /** Default largest array: 1,048,576 elements. */
    public static final int DEFAULT_MAX_ARRAY_ELEMENTS = 1024 * 1024;
    /**
     * Default most elements in one reply, counting the elements of every array at every depth: 1,048,576, one
     * per 64 bytes of the default frame size.
     */
    public static final int DEFAULT_MAX_TOTAL_ELEMENTS = 1024 * 1024;
    /** Default deepest nesting of arrays: 32 (an array holding arrays is depth 2). */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /**
     * The deepest nesting {@link Builder#maxDepth(int)} accepts: far beyond any real reply, yet shallow enough
     * that the encoder and a value's {@code equals}, {@code hashCode} and {@code toString}, which recurse,
     * cannot overflow an ordinary thread's stack (they take about 1 KiB per level) on a value the decoder accepted.
     */
    public static final int MAX_DEPTH_LIMIT = 256;

    private static final byte[] CRLF = {'\r', '\n'};
    /** The shortest encoded element, {@code +\r\n}; bounds how many elements a frame can hold. */
    private static final int MIN_ELEMENT_BYTES = 3;
    /** A length or integer line holds at most a sign and 19 digits. */
    private static final int MAX_NUMBER_CHARS = 20;
    private static final RespValue.Array PING = RespValue.command("PING");
    private static final RespCodec DEFAULT = builder().build();

    private final int maxFrameSize;
    private final int maxBulkLength;
    private final int maxArrayElements;
    private final int maxTotalElements;
    private final int maxDepth;

    private RespCodec(int maxFrameSize, int maxBulkLength, int maxArrayElements, int maxTotalElements,
                      int maxDepth) {
        this.maxFrameSize = maxFrameSize;
        this.maxBulkLength = maxBulkLength;
        this.maxArrayElements = maxArrayElements;
        this.maxTotalElements = maxTotalElements;
        this.maxDepth = maxDepth;
    }

    /**
     * This codec, except that a pool throws each error reply ({@code -ERR ...}) to the caller as a
     * {@link RespErrorException} instead of returning it as a value, so a caller cannot forget to check. The
     * connection stays in the pool, the call is not retried, and the breaker counts the answer as a success.
     * Keep-alive pings and {@link #decode} are unchanged.
     */
    public Codec<RespValue, RespValue> withErrorRepliesAsExceptions() {
        return new RespErrorRepliesCodec(this);
    }

    /** The default limits: 64 MiB frames and bulk strings, 1Mi elements per array and per reply, depth 32. */
    public static RespCodec create() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The longest bulk string accepted, in bytes. */
    public int maxBulkLength() {
        return maxBulkLength;
    }

    /** The most elements one array may have. */
    public int maxArrayElements() {
        return maxArrayElements;
    }

    /** The most elements one reply may hold, counting the elements of every array at every depth. */
    public int maxTotalElements() {
        return maxTotalElements;
    }

    /** The deepest nesting of arrays accepted; a flat array is depth 1. */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * One reply per command, in command order; except after SUBSCRIBE/PSUBSCRIBE, MONITOR and the like, which
     * callers must run on an exclusive connection (a lease).
     */
    @Override
    public boolean repliesInOrder() {
        return true;
    }

    /** {@code PING}, healthy when answered {@code +PONG}. */
    @Override
    public Optional<KeepAlivePing<RespValue, RespValue>> keepAlivePing() {
        return Optional.of(new KeepAlivePing<>(PING,
                reply -> reply instanceof RespValue.SimpleString s && "PONG".equals(s.value())));
    }

    /** @throws ProtocolViolationException when the value exceeds one of this codec's limits */
    @Override
    public ByteBuffer encode(RespValue value) throws ProtocolViolationException {
        Objects.requireNonNull(value, "value");
        long size = encodedSize(value, 0, 0);
        if (countElements(value, maxTotalElements) > maxTotalElements) {
            throw Violations.unencodable("value holds more than maxTotalElements " + maxTotalElements + " elements");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size);
        write(value, out);
        return out.flip();
    }

    @Override
    public RespValue decode(ByteBuffer in) throws ProtocolViolationException {
        return new Decoder().decode(in);
    }

    @Override
    public FrameDecoder<RespValue> newDecoder() {
        return new Decoder();
    }

    @Override
    public String toString() {
        return "RespCodec[maxFrameSize=" + maxFrameSize + ", maxBulkLength=" + maxBulkLength
                + ", maxArrayElements=" + maxArrayElements + ", maxTotalElements=" + maxTotalElements
                + ", maxDepth=" + maxDepth + "]";
    }

    // ---- encoding ------------------------------------------------------------------------------------------

    /** Exact encoded size, checking every limit on the way; {@code sizeSoFar} lets it stop early. */
    private long encodedSize(RespValue value, int depth, long sizeSoFar) throws ProtocolViolationException {
        long size;
        if (value instanceof RespValue.SimpleString s) {
            size = 1 + utf8Length(s.value()) + 2;
        } else if (value instanceof RespValue.SimpleError e) {
            size = 1 + utf8Length(e.message()) + 2;
        } else if (value instanceof RespValue.Int i) {
            size = 1 + decimalLength(i.value()) + 2;
        } else if (value instanceof RespValue.BulkString b) {
            int length = b.length();
            if (length > maxBulkLength) {
                throw Violations.unencodable("bulk string of " + length + " bytes exceeds maxBulkLength "
                        + maxBulkLength);
            }
            size = 1 + decimalLength(length) + 2 + (length < 0 ? 0 : length + 2);
        } else {
            RespValue.Array a = (RespValue.Array) value;
            int count = a.size();
            size = 1 + decimalLength(count) + 2;
            if (depth + 1 > maxDepth) {
                throw Violations.unencodable("arrays nested deeper than maxDepth " + maxDepth);
            }
            if (count > 0) {
                if (count > maxArrayElements) {
                    throw Violations.unencodable("array of " + count + " elements exceeds maxArrayElements "
                            + maxArrayElements);
                }
                for (RespValue element : a.elements()) {
                    size += encodedSize(element, depth + 1, sizeSoFar + size);
                }
            }
        }
        if (sizeSoFar + size > maxFrameSize) {
            throw Violations.unencodable("encoded value exceeds maxFrameSize " + maxFrameSize + " bytes");
        }
        return size;
    }

    /** Elements in {@code value} at every depth, counting no further once past {@code limit}. */
    private static long countElements(RespValue value, long limit) {
        if (!(value instanceof RespValue.Array a) || a.size() <= 0) {
            return 0;
        }
        long n = a.size();
        for (RespValue element : a.elements()) {
            if (n > limit) {
                break;
            }
            n += countElements(element, limit - n);
        }
        return n;
    }

    private static void write(RespValue value, ByteBuffer out) {
        if (value instanceof RespValue.SimpleString s) {
            out.put((byte) '+').put(s.value().getBytes(StandardCharsets.UTF_8)).put(CRLF);
        } else if (value instanceof RespValue.SimpleError e) {
            out.put((byte) '-').put(e.message().getBytes(StandardCharsets.UTF_8)).put(CRLF);
        } else if (value instanceof RespValue.Int i) {
            writeNumberLine(out, ':', i.value());
        } else if (value instanceof RespValue.BulkString b) {
            writeNumberLine(out, '$', b.length());
            if (!b.isNull()) {
                out.put(b.unsafeBytes()).put(CRLF);
            }
        } else {
            RespValue.Array a = (RespValue.Array) value;
            writeNumberLine(out, '*', a.size());
            if (!a.isNull()) {
                for (RespValue element : a.elements()) {
                    write(element, out);
                }
            }
        }
    }

    private static void writeNumberLine(ByteBuffer out, char marker, long number) {
        out.put((byte) marker);
        String digits = Long.toString(number);
        for (int i = 0; i < digits.length(); i++) {
            out.put((byte) digits.charAt(i));
        }
        out.put(CRLF);
    }

    private static int decimalLength(long v) {
        return Long.toString(v).length();
    }

    /** Bytes {@code String.getBytes(UTF_8)} produces, which writes '?' for a lone surrogate. */
    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    // ---- decoding ------------------------------------------------------------------------------------------

    /** An array whose elements are still arriving. */
    private static final class OpenArray {
        final int expected;
        final List<RespValue> elements;

        OpenArray(int expected, int bytesBuffered) {
            this.expected = expected;
            // The announced count is only a claim: beyond a few slots, room is reserved only for elements whose
            // bytes may already be here (usually all of them), and the list grows as more really arrive.
            this.elements = new ArrayList<>(Math.min(expected, Math.max(16, bytesBuffered / MIN_ELEMENT_BYTES)));
        }
    }

    /**
     * Parses without recursion. State survives a {@code null} return: elements already parsed (inside open
     * arrays) and where the next one starts, both relative to the frame's start at the buffer position.
     */
    private final class Decoder implements FrameDecoder<RespValue> {
        // Room for four levels before growing: most replies nest less, and the stateless decode() makes a
        // decoder per call, so a smaller deque pays for the element count this decoder keeps.
        private final ArrayDeque<OpenArray> open = new ArrayDeque<>(4);
        /** Where the next unparsed element starts, relative to the frame start. */
        private int offset;
        /** Where to resume looking for the CR of a simple string or error, relative to the frame start. */
        private int lineScanFrom;
        /** Elements the arrays opened so far in this reply announced, at every depth. */
        private long announcedElements;

        // Results of parseNumber, kept in fields to avoid an allocation per element.
        private long number;
        private int numberEnd;

        @Override
        public RespValue decode(ByteBuffer in) throws ProtocolViolationException {
            try {
                RespValue value = parse(in);
                if (value != null) {
                    reset();
                }
                return value;
            } catch (ProtocolViolationException | RuntimeException e) {
                reset();
                throw e;
            }
        }

        private void reset() {
            open.clear();
            offset = 0;
            lineScanFrom = 0;
            announcedElements = 0;
        }

        private RespValue parse(ByteBuffer in) throws ProtocolViolationException {
            final int base = in.position();
            final int end = in.limit();
            while (true) {
                int at = base + offset;
                if (at >= end) {
                    return needMore(base, end);
                }
                byte marker = in.get(at);
                RespValue value;
                int next;
                switch (marker) {
                    case '+', '-' -> {
                        int cr = findLineEnd(in, base, at + 1, end);
                        if (cr < 0) {
                            return needMore(base, end);
                        }
                        String text = new String(copy(in, at + 1, cr - at - 1), StandardCharsets.UTF_8);
                        value = marker == '+' ? new RespValue.SimpleString(text) : new RespValue.SimpleError(text);
                        next = cr + 2;
                    }
                    case ':' -> {
                        if (!parseNumber(in, base, at, end, "integer")) {
                            return needMore(base, end);
                        }
                        value = new RespValue.Int(number);
                        next = numberEnd;
                    }
                    case '$' -> {
                        if (!parseNumber(in, base, at, end, "bulk string length")) {
                            return needMore(base, end);
                        }
                        if (number == -1) {
                            value = RespValue.BulkString.NULL;
                            next = numberEnd;
                        } else {
                            int dataStart = numberEnd;
                            int length = checkBulkLength(number, base, at, dataStart);
                            if (end - dataStart < (long) length + 2) {
                                return needMore(base, end);
                            }
                            int crAt = dataStart + length;
                            if (in.get(crAt) != '\r' || in.get(crAt + 1) != '\n') {
                                throw violation("expected CRLF after a bulk string of " + length + " bytes but found "
                                        + ByteText.show(in, crAt, 2), base, crAt);
                            }
                            value = new RespValue.BulkString(copy(in, dataStart, length), false);
                            next = crAt + 2;
                        }
                    }
                    case '*' -> {
                        if (!parseNumber(in, base, at, end, "array length")) {
                            return needMore(base, end);
                        }
                        if (open.size() + 1 > maxDepth) {
                            throw violation("arrays nested deeper than maxDepth " + maxDepth, base, at);
                        }
                        if (number == -1) {
                            value = RespValue.Array.NULL;
                        } else if (number == 0) {
                            value = new RespValue.Array(List.of());
                        } else {
                            int count = checkArrayLength(number, base, at, numberEnd);
                            open.push(new OpenArray(count, end - numberEnd));
                            offset = numberEnd - base;
                            continue;
                        }
                        next = numberEnd;
                    }
                    default -> throw violation("expected a RESP type byte ('+', '-', ':', '$' or '*') but found "
                            + ByteText.show(marker), base, at);
                }
                if (next - base > maxFrameSize) {
                    throw violation("frame exceeds maxFrameSize " + maxFrameSize + " bytes", base, at);
                }
                offset = next - base;
                lineScanFrom = 0;
                RespValue done = addToOpenArrays(value);
                if (done != null) {
                    in.position(base + offset);
                    return done;
                }
            }
        }

        /** Adds a finished value to the innermost open array, closing arrays it completes; the frame if done. */
        private RespValue addToOpenArrays(RespValue value) {
            RespValue finished = value;
            while (true) {
                OpenArray top = open.peek();
                if (top == null) {
                    return finished;
                }
                top.elements.add(finished);
                if (top.elements.size() < top.expected) {
                    return null;
                }
                open.pop();
                finished = new RespValue.Array(top.elements);
            }
        }

        /**
         * Incomplete frame: fine unless the bytes already buffered reach the frame limit, in which case the
         * frame is certainly too large.
         */
        private RespValue needMore(int base, int end) throws ProtocolViolationException {
            if (end - base >= maxFrameSize) {
                throw Violations.malformed("RESP: frame exceeds maxFrameSize " + maxFrameSize
                        + " bytes: still incomplete after " + (end - base) + " bytes");
            }
            return null;
        }

        /** The absolute index of the CR ending a simple line starting at {@code from}, or -1 when it has not arrived. */
        private int findLineEnd(ByteBuffer in, int base, int from, int end) throws ProtocolViolationException {
            int lastCr = base + maxFrameSize - 2;
            int scanTo = Math.min(end - 1, lastCr);
            for (int i = Math.max(from, base + lineScanFrom); i <= scanTo; i++) {
                byte b = in.get(i);
                if (b == '\r') {
                    if (i + 1 >= end) {
                        lineScanFrom = i - base;
                        return -1;
                    }
                    if (in.get(i + 1) != '\n') {
                        throw violation("expected LF after CR ending a simple string but found "
                                + ByteText.show(in.get(i + 1)), base, i + 1);
                    }
                    return i;
                }
                if (b == '\n') {
                    throw violation("expected CRLF ending a simple string but found a bare '\\n'", base, i);
                }
            }
            if (end - base >= maxFrameSize) {
                throw violation("expected CRLF ending a simple string within maxFrameSize " + maxFrameSize
                        + " bytes but found none", base, from);
            }
            lineScanFrom = Math.max(from, scanTo + 1) - base;
            return -1;
        }

        /**
         * Parses {@code [-]digits CRLF} after the type byte at {@code at} into {@link #number} and
         * {@link #numberEnd} (absolute index after the LF).
         *
         * @return false when the line has not fully arrived
         */
        private boolean parseNumber(ByteBuffer in, int base, int at, int end, String what)
                throws ProtocolViolationException {
            int i = at + 1;
            boolean negative = false;
            if (i < end && in.get(i) == '-') {
                negative = true;
                i++;
            }
            int digitsStart = i;
            long value = 0;
            while (true) {
                if (i >= end) {
                    return false;
                }
                byte b = in.get(i);
                if (b >= '0' && b <= '9') {
                    if (i - at > MAX_NUMBER_CHARS) {
                        throw violation("expected at most 19 digits in the " + what + " but found more", base, i);
                    }
                    try {
                        value = Math.addExact(Math.multiplyExact(value, 10), negative ? '0' - b : b - '0');
                    } catch (ArithmeticException overflow) {
                        throw violation("expected the " + what + " to fit a signed 64-bit integer but it overflows",
                                base, i);
                    }
                    i++;
                    continue;
                }
                if (i == digitsStart) {
                    throw violation("expected a digit" + (negative ? "" : " or '-'") + " in the " + what
                            + " but found " + ByteText.show(b), base, i);
                }
                if (b != '\r') {
                    throw violation("expected a digit or CR in the " + what + " but found " + ByteText.show(b),
                            base, i);
                }
                if (i + 1 >= end) {
                    return false;
                }
                byte lf = in.get(i + 1);
                if (lf != '\n') {
                    throw violation("expected LF after CR in the " + what + " but found " + ByteText.show(lf),
                            base, i + 1);
                }
                number = value;
                numberEnd = i + 2;
                return true;
            }
        }

        private int checkBulkLength(long length, int base, int at, int dataStart) throws ProtocolViolationException {
            if (length < 0) {
                throw violation("expected a bulk string length of -1 (null) or at least 0 but found " + length,
                        base, at);
            }
            if (length > maxBulkLength) {
                throw violation("bulk string of " + length + " bytes exceeds maxBulkLength " + maxBulkLength,
                        base, at);
            }
            if ((long) (dataStart - base) + length + 2 > maxFrameSize) {
                throw violation("bulk string of " + length + " bytes would take the frame past maxFrameSize "
                        + maxFrameSize, base, at);
            }
            return (int) length;
        }

        private int checkArrayLength(long count, int base, int at, int elementsStart)
                throws ProtocolViolationException {
            if (count < 0) {
                throw violation("expected an array length of -1 (null) or at least 0 but found " + count, base, at);
            }
            if (count > maxArrayElements) {
                throw violation("array of " + count + " elements exceeds maxArrayElements " + maxArrayElements,
                        base, at);
            }
            if ((long) (elementsStart - base) + count * MIN_ELEMENT_BYTES > maxFrameSize) {
                throw violation("array of " + count + " elements cannot fit in maxFrameSize " + maxFrameSize
                        + " bytes", base, at);
            }
            if (announcedElements + count > maxTotalElements) {
                throw violation("array of " + count + " elements takes the reply past maxTotalElements "
                        + maxTotalElements + " (" + announcedElements + " announced before it)", base, at);
            }
            announcedElements += count;
            return (int) count;
        }

        private ProtocolViolationException violation(String what, int base, int index) {
            return Violations.malformed("RESP: " + what + " at offset " + (index - base));
        }
    }

    private static byte[] copy(ByteBuffer in, int from, int length) {
        byte[] bytes = new byte[length];
        in.get(from, bytes);
        return bytes;
    }

    /** Builds a {@link RespCodec}; {@link #build()} checks the limits fit together. */
    public static final class Builder {
        private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        private Integer maxBulkLength;
        private int maxArrayElements = DEFAULT_MAX_ARRAY_ELEMENTS;
        private Integer maxTotalElements;
        private int maxDepth = DEFAULT_MAX_DEPTH;

        private Builder() {
        }

        /** Largest frame (one whole reply or command) in bytes; default 64 MiB. */
        public Builder maxFrameSize(int bytes) {
            if (bytes < 16) {
                throw new IllegalArgumentException("maxFrameSize must be at least 16 bytes: " + bytes);
            }
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxFrameSize must fit a Java array: " + bytes);
            }
            maxFrameSize = bytes;
            return this;
        }

        /** Longest bulk string in bytes; default the smaller of 64 MiB and the frame size. */
        public Builder maxBulkLength(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBulkLength must not be negative: " + bytes);
            }
            maxBulkLength = bytes;
            return this;
        }

        /** Most elements in one array; default 1,048,576. */
        public Builder maxArrayElements(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxArrayElements must be positive: " + count);
            }
            maxArrayElements = count;
            return this;
        }

        /**
         * Most elements in one reply, counting the elements of every array at every depth; default the larger of
         * 1,048,576 and {@link #maxArrayElements(int)}. Bounds the memory a reply of many tiny elements costs
         * (see the class's "Memory" note).
         */
        public Builder maxTotalElements(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxTotalElements must be positive: " + count);
            }
            maxTotalElements = count;
            return this;
        }

        /** Deepest nesting of arrays, a flat array being depth 1; default 32, at most {@value RespCodec#MAX_DEPTH_LIMIT}. */
        public Builder maxDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("maxDepth must be positive: " + depth);
            }
            if (depth > MAX_DEPTH_LIMIT) {
                throw new IllegalArgumentException("maxDepth must be at most " + MAX_DEPTH_LIMIT + ": " + depth);
            }
            maxDepth = depth;
            return this;
        }

        /** @throws IllegalArgumentException naming the bad value when the limits do not fit together */
        public RespCodec build() {
            int bulk = maxBulkLength == null ? Math.min(DEFAULT_MAX_BULK_LENGTH, maxFrameSize) : maxBulkLength;
            if (bulk > maxFrameSize) {
                throw new IllegalArgumentException("maxBulkLength " + bulk + " exceeds maxFrameSize " + maxFrameSize);
            }
            int total = maxTotalElements == null ? Math.max(DEFAULT_MAX_TOTAL_ELEMENTS, maxArrayElements)
                    : maxTotalElements;
            return new RespCodec(maxFrameSize, bulk, maxArrayElements, total, maxDepth);
        }
    }
}
