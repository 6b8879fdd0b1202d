package dev.tether.core.codec;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnmappableCharacterException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Text lines ended by a delimiter: {@code "\n"} by default, {@code "\r\n"} for most Internet protocols, or any
 * non-empty byte sequence. A decoded line excludes its delimiter.
 *
 * <p>The maximum line length counts encoded bytes, not characters, and excludes the delimiter. A peer that
 * sends more than that without a delimiter gets a {@link ProtocolViolationException} as soon as the
 * delimiter can no longer arrive in time, so it cannot make a reader buffer without bound. Bytes that are not
 * valid in the charset are a protocol violation too, never silently replaced.
 *
 * <p><b>Memory.</b> Decoding a line allocates at most 4 times its length in bytes: the decoder's character
 * buffer and the string (3 times measured for ASCII, 3.5 for four-byte UTF-8 characters), so the longest line
 * the limit lets through costs at most {@code 4 * maxLineLength}.
 *
 * <p>Immutable and thread-safe; {@link #newDecoder()} remembers how far it searched for the delimiter, so a
 * long line arriving in small pieces is scanned once.
 */
public final class LineCodec implements Codec<String, String> {
    /** Default maximum line length: 64 KiB. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

    private static final LineCodec DEFAULT = builder().build();

    private final byte[] delimiter;
    private final Charset charset;
    private final int maxLineLength;
    private final String pingRequest;
    private final String pingReply;

    private LineCodec(byte[] delimiter, Charset charset, int maxLineLength, String pingRequest, String pingReply) {
        this.delimiter = delimiter;
        this.charset = charset;
        this.maxLineLength = maxLineLength;
        this.pingRequest = pingRequest;
        this.pingReply = pingReply;
    }

    /** Lines ended by {@code "\n"}, UTF-8, at most {@value #DEFAULT_MAX_LINE_LENGTH} bytes, no ping. */
    public static LineCodec create() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The delimiter's bytes (a copy). */
    public byte[] delimiter() {
        return delimiter.clone();
    }

    public Charset charset() {
        return charset;
    }

    /** The longest line accepted, in encoded bytes, delimiter excluded. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** {@link #maxLineLength()} plus the delimiter. */
    @Override
    public int maxFrameSize() {
        return maxLineLength + delimiter.length;
    }

    /** One reply per request, in request order. */
    @Override
    public boolean repliesInOrder() {
        return true;
    }

    @Override
    public Optional<KeepAlivePing<String, String>> keepAlivePing() {
        if (pingRequest == null) {
            return Optional.empty();
        }
        String expected = pingReply;
        return Optional.of(new KeepAlivePing<>(pingRequest, expected::equals));
    }

    /**
     * Encodes {@code line} followed by the delimiter.
     *
     * @throws ProtocolViolationException when the line contains the delimiter (it would arrive as two lines),
     *         is longer than {@link #maxLineLength()}, or has characters the charset cannot encode
     */
    @Override
    public ByteBuffer encode(String line) throws ProtocolViolationException {
        Objects.requireNonNull(line, "line");
        ByteBuffer encoded = encodeText(line);
        int length = encoded.remaining();
        if (length > maxLineLength) {
            throw Violations.unencodable("line of " + length + " bytes exceeds maxLineLength " + maxLineLength);
        }
        ByteBuffer out = ByteBuffer.allocate(length + delimiter.length);
        out.put(encoded).put(delimiter).flip();
        // Searching line + delimiter (not the line alone) also catches a line ending in a prefix of a
        // self-overlapping delimiter, which a reader would otherwise split early.
        int first = indexOf(out, 0, length);
        if (first != length) {
            throw Violations.unencodable("line contains the delimiter " + ByteText.show(delimiter)
                    + " at byte offset " + first + "; it would arrive as more than one line");
        }
        return out;
    }

    @Override
    public String decode(ByteBuffer in) throws ProtocolViolationException {
        return new Decoder().decode(in);
    }

    @Override
    public FrameDecoder<String> newDecoder() {
        return new Decoder();
    }

    private ByteBuffer encodeText(String line) throws ProtocolViolationException {
        CharsetEncoder encoder = charset.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.wrap(line);
        try {
            return encoder.encode(chars);
        } catch (CharacterCodingException e) {
            throw Violations.unencodable("line cannot be encoded in " + charset.name() + ": " + describe(e)
                    + " at character index " + chars.position(), e);
        }
    }

    private String decodeText(ByteBuffer in, int from, int length) throws ProtocolViolationException {
        ByteBuffer slice = in.duplicate();
        slice.limit(from + length).position(from);
        slice = slice.slice();
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw Violations.malformed("line is not valid " + charset.name() + ": " + describe(e)
                    + " at byte offset " + slice.position() + ", found "
                    + ByteText.show(slice, slice.position(), 4));
        }
    }

    private static String describe(CharacterCodingException e) {
        if (e instanceof MalformedInputException m) {
            return "malformed sequence of " + m.getInputLength() + " unit(s)";
        }
        if (e instanceof UnmappableCharacterException u) {
            return "unmappable sequence of " + u.getInputLength() + " unit(s)";
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * The absolute index of the first delimiter starting within {@code [from, lastStart]} of {@code buf}, or
     * -1. The caller guarantees that a delimiter starting at {@code lastStart} fits before the limit.
     */
    private int indexOf(ByteBuffer buf, int from, int lastStart) {
        byte first = delimiter[0];
        int n = delimiter.length;
        outer:
        for (int i = from; i <= lastStart; i++) {
            if (buf.get(i) != first) {
                continue;
            }
            for (int j = 1; j < n; j++) {
                if (buf.get(i + j) != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "LineCodec[delimiter=" + ByteText.show(delimiter) + ", charset=" + charset.name()
                + ", maxLineLength=" + maxLineLength + (pingRequest == null ? "" : ", ping") + "]";
    }

    /** Remembers the first offset (relative to the frame start) where the delimiter could still begin. */
    private final class Decoder implements FrameDecoder<String> {
        private int searchFrom;

        @Override
        public String decode(ByteBuffer in) throws ProtocolViolationException {
            int base = in.position();
            int available = in.remaining();
            int n = delimiter.length;
            // A delimiter starting after maxLineLength would make the line too long, so never look beyond.
            int lastStart = Math.min(available - n, maxLineLength);
            int found = lastStart < searchFrom ? -1 : indexOf(in, base + searchFrom, base + lastStart);
            if (found < 0) {
                if (available >= maxLineLength + n) {
                    searchFrom = 0;
                    throw Violations.malformed("line exceeds maxLineLength " + maxLineLength
                            + " bytes: no delimiter " + ByteText.show(delimiter) + " within the first "
                            + (maxLineLength + n) + " bytes");
                }
                searchFrom = Math.max(searchFrom, lastStart + 1);
                return null;
            }
            searchFrom = 0;
            String line = decodeText(in, base, found - base);
            in.position(found + n);
            return line;
        }
    }

    /** Builds a {@link LineCodec}; {@link #build()} checks the combination. */
    public static final class Builder {
        private String delimiterText = "\n";
        private byte[] delimiterBytes;
        private Charset charset = StandardCharsets.UTF_8;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private String pingRequest;
        private String pingReply;

        private Builder() {
        }

        /** The delimiter as text, encoded with the {@linkplain #charset(Charset) charset}. Default {@code "\n"}. */
        public Builder delimiter(String delimiter) {
            Objects.requireNonNull(delimiter, "delimiter");
            if (delimiter.isEmpty()) {
                throw new IllegalArgumentException("delimiter must not be empty");
            }
            delimiterText = delimiter;
            delimiterBytes = null;
            return this;
        }

        /** The delimiter as raw bytes, used as is whatever the charset. */
        public Builder delimiter(byte[] delimiter) {
            Objects.requireNonNull(delimiter, "delimiter");
            if (delimiter.length == 0) {
                throw new IllegalArgumentException("delimiter must not be empty");
            }
            delimiterBytes = delimiter.clone();
            delimiterText = null;
            return this;
        }

        /** Default UTF-8. */
        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        /** The longest line accepted, in encoded bytes, delimiter excluded. Default 64 KiB. */
        public Builder maxLineLength(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxLineLength must be positive: " + bytes);
            }
            maxLineLength = bytes;
            return this;
        }

        /** A keep-alive: send {@code request}; the peer is healthy when it answers exactly {@code expectedReply}. */
        public Builder ping(String request, String expectedReply) {
            pingRequest = Objects.requireNonNull(request, "request");
            pingReply = Objects.requireNonNull(expectedReply, "expectedReply");
            return this;
        }

        /** No keep-alive ping (the default). */
        public Builder noPing() {
            pingRequest = null;
            pingReply = null;
            return this;
        }

        /** @throws IllegalArgumentException naming the bad value when the settings do not fit together */
        public LineCodec build() {
            if (!charset.canEncode()) {
                throw new IllegalArgumentException("charset cannot encode text: " + charset.name());
            }
            requireContextFree(charset);
            byte[] delimiter = delimiterBytes != null ? delimiterBytes : encodeDelimiter(delimiterText, charset);
            if (maxLineLength > Integer.MAX_VALUE - 8 - delimiter.length) {
                throw new IllegalArgumentException("maxLineLength plus the delimiter must fit a Java array: "
                        + maxLineLength);
            }
            LineCodec codec = new LineCodec(delimiter, charset, maxLineLength, pingRequest, pingReply);
            if (pingRequest != null) {
                requireFramable(codec, "ping request", pingRequest);
                // A reply that cannot be framed could never arrive, so every ping would fail.
                requireFramable(codec, "ping reply", pingReply);
            }
            return codec;
        }

        private static void requireFramable(LineCodec codec, String what, String line) {
            try {
                codec.encode(line);
            } catch (ProtocolViolationException e) {
                throw new IllegalArgumentException(what + " '" + line + "' cannot be framed: " + e.getMessage(), e);
            }
        }

        /**
         * Lines are encoded one by one and the delimiter on its own, so text must encode the same wherever it
         * stands. UTF-16 (with its byte order mark on every encode) does not: every line and every delimiter
         * would start with a BOM, and the delimiter of a real UTF-16 peer would never be found.
         */
        private static void requireContextFree(Charset charset) {
            if (!charset.newEncoder().canEncode("a")) {
                return;
            }
            byte[] once = encodeDelimiter("a", charset);
            byte[] twice = encodeDelimiter("aa", charset);
            int n = once.length;
            if (twice.length != 2 * n || !Arrays.equals(twice, 0, n, once, 0, n)
                    || !Arrays.equals(twice, n, 2 * n, once, 0, n)) {
                throw new IllegalArgumentException("charset " + charset.name() + " cannot frame lines: it encodes"
                        + " text differently depending on what precedes it (a byte order mark or shift state);"
                        + " name the byte order instead, such as UTF-16BE");
            }
        }

        private static byte[] encodeDelimiter(String text, Charset charset) {
            try {
                ByteBuffer b = charset.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(text));
                return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("delimiter cannot be encoded in " + charset.name() + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
