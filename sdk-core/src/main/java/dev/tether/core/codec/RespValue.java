package dev.tether.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One Redis RESP2 value: a simple string, an error, an integer, a bulk string (possibly null) or an array
 * (possibly null, possibly nested). Requests to Redis are arrays of bulk strings, built with
 * {@link #command(String...)}; replies are any of the five.
 *
 * <p>The {@code as...} accessors read a reply without casts: {@code reply.asString()}, {@code reply.asLong()},
 * {@code reply.asList()}. They return {@code null} for a RESP null and throw {@link IllegalStateException},
 * quoting the error, when the reply is a Redis error or of another type.
 *
 * <p>Values are immutable. {@code toString()} shows at most 64 bytes of a bulk string.
 */
public sealed interface RespValue
        permits RespValue.SimpleString, RespValue.SimpleError, RespValue.Int, RespValue.BulkString,
        RespValue.Array {

    /** The RESP2 types, each with its type byte on the wire. */
    enum Type {
        SIMPLE_STRING('+'), ERROR('-'), INTEGER(':'), BULK_STRING('$'), ARRAY('*');

        private final char marker;

        Type(char marker) {
            this.marker = marker;
        }

        /** The byte that starts a value of this type on the wire. */
        public char marker() {
            return marker;
        }
    }

    /** This value's type. */
    Type type();

    /** True for a null bulk string ({@code $-1}) or a null array ({@code *-1}). */
    default boolean isNull() {
        return false;
    }

    /** True for a Redis error reply. */
    default boolean isError() {
        return false;
    }

    /**
     * The value as text: a simple string, a bulk string decoded as UTF-8, or an integer in decimal;
     * {@code null} for a null bulk string.
     *
     * @throws IllegalStateException for an error or an array
     */
    default String asString() {
        throw unexpected(this, "a string");
    }

    /**
     * The value as bytes (a fresh copy): a bulk string's content or a simple string in UTF-8; {@code null} for
     * a null bulk string.
     *
     * @throws IllegalStateException for an error, an integer or an array
     */
    default byte[] asBytes() {
        throw unexpected(this, "bytes");
    }

    /**
     * The value as a number: an integer, or a simple or bulk string holding a decimal integer (Redis returns
     * some counters that way).
     *
     * @throws IllegalStateException for an error, an array, a null or a string that is not a number
     */
    default long asLong() {
        throw unexpected(this, "an integer");
    }

    /**
     * An array's elements; {@code null} for a null array.
     *
     * @throws IllegalStateException for anything but an array
     */
    default List<RespValue> asList() {
        throw unexpected(this, "an array");
    }

    /** A simple string, such as {@code OK}; must not contain CR or LF. */
    static SimpleString simple(String value) {
        return new SimpleString(value);
    }

    /** An error reply, such as {@code ERR unknown command}; must not contain CR or LF. */
    static SimpleError error(String message) {
        return new SimpleError(message);
    }

    static Int integer(long value) {
        return new Int(value);
    }

    /** A bulk string holding {@code text} in UTF-8. */
    static BulkString bulk(String text) {
        return new BulkString(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8), false);
    }

    /** A bulk string holding a copy of {@code bytes}; binary-safe. */
    static BulkString bulk(byte[] bytes) {
        return new BulkString(Objects.requireNonNull(bytes, "bytes").clone(), false);
    }

    /** The null bulk string ({@code $-1}), Redis's "no such key". */
    static BulkString nullBulk() {
        return BulkString.NULL;
    }

    static Array array(RespValue... elements) {
        return new Array(List.of(elements));
    }

    static Array array(List<? extends RespValue> elements) {
        return new Array(List.copyOf(elements));
    }

    /** The null array ({@code *-1}). */
    static Array nullArray() {
        return Array.NULL;
    }

    /** A command as Redis expects it: an array of bulk strings, each argument in UTF-8. */
    static Array command(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        List<RespValue> parts = new ArrayList<>(args.length);
        for (String arg : args) {
            parts.add(bulk(arg));
        }
        return new Array(List.copyOf(parts));
    }

    /** A command whose arguments are raw bytes (binary keys or values). */
    static Array command(byte[]... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("a command needs at least its name");
        }
        List<RespValue> parts = new ArrayList<>(args.length);
        for (byte[] arg : args) {
            parts.add(bulk(arg));
        }
        return new Array(List.copyOf(parts));
    }

    private static IllegalStateException unexpected(RespValue value, String wanted) {
        if (value instanceof SimpleError e) {
            return new IllegalStateException("expected " + wanted + " but Redis replied with an error: "
                    + e.message());
        }
        if (value.isNull()) {
            return new IllegalStateException("expected " + wanted + " but the reply is a null "
                    + value.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        return new IllegalStateException("expected " + wanted + " but the reply is " + value);
    }

    private static String requireSingleLine(String what, String text) {
        Objects.requireNonNull(text, what);
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(what + " must not contain CR or LF (use a bulk string)");
        }
        return text;
    }

    /** A simple string reply such as {@code +OK}. */
    record SimpleString(String value) implements RespValue {
        public SimpleString {
            requireSingleLine("simple string", value);
        }

        @Override
        public Type type() {
            return Type.SIMPLE_STRING;
        }

        @Override
        public String asString() {
            return value;
        }

        @Override
        public byte[] asBytes() {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public long asLong() {
            return parseLong(this, value);
        }

        @Override
        public String toString() {
            return "+" + value;
        }
    }

    /** An error reply such as {@code -ERR unknown command}; {@link #code()} is its first word. */
    record SimpleError(String message) implements RespValue {
        public SimpleError {
            requireSingleLine("error message", message);
        }

        /** The error's first word, which Redis uses as its kind: {@code ERR}, {@code WRONGTYPE}, {@code MOVED}. */
        public String code() {
            int space = message.indexOf(' ');
            return space < 0 ? message : message.substring(0, space);
        }

        @Override
        public Type type() {
            return Type.ERROR;
        }

        @Override
        public boolean isError() {
            return true;
        }

        @Override
        public String toString() {
            return "-" + message;
        }
    }

    /** A signed 64-bit integer reply such as {@code :42}. */
    record Int(long value) implements RespValue {
        @Override
        public Type type() {
            return Type.INTEGER;
        }

        @Override
        public String asString() {
            return Long.toString(value);
        }

        @Override
        public long asLong() {
            return value;
        }

        @Override
        public String toString() {
            return ":" + value;
        }
    }

    /** A binary-safe bulk string, or the null bulk string. */
    final class BulkString implements RespValue {
        static final BulkString NULL = new BulkString(null, true);
        private static final int SHOWN = 64;

        private final byte[] bytes;

        /** Takes ownership of {@code bytes}; the public way in is {@link RespValue#bulk(byte[])}. */
        BulkString(byte[] bytes, boolean isNull) {
            this.bytes = isNull ? null : Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public Type type() {
            return Type.BULK_STRING;
        }

        @Override
        public boolean isNull() {
            return bytes == null;
        }

        /** Length in bytes; -1 for the null bulk string. */
        public int length() {
            return bytes == null ? -1 : bytes.length;
        }

        /** The content as a read-only buffer, without copying; {@code null} for the null bulk string. */
        public ByteBuffer content() {
            return bytes == null ? null : ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }

        @Override
        public String asString() {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] asBytes() {
            return bytes == null ? null : bytes.clone();
        }

        @Override
        public long asLong() {
            if (bytes == null) {
                return RespValue.super.asLong();
            }
            return parseLong(this, asString());
        }

        /** Package access for the encoder, which must not copy. */
        byte[] unsafeBytes() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BulkString other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            if (bytes == null) {
                return "$-1(null)";
            }
            int n = Math.min(bytes.length, SHOWN);
            StringBuilder sb = new StringBuilder(n + 16).append('$').append(bytes.length).append(" \"");
            for (int i = 0; i < n; i++) {
                int v = bytes[i] & 0xFF;
                switch (v) {
                    case '\r' -> sb.append("\\r");
                    case '\n' -> sb.append("\\n");
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    default -> sb.append(v >= 0x20 && v < 0x7F ? String.valueOf((char) v) : String.format("\\x%02x", v));
                }
            }
            return sb.append(bytes.length > n ? "\"..." : "\"").toString();
        }
    }

    /** An array of values (possibly nested), or the null array. */
    record Array(List<RespValue> elements) implements RespValue {
        static final Array NULL = new Array(null);

        /** {@code elements} is copied unless already an unmodifiable list; {@code null} means the null array. */
        public Array {
            if (elements != null) {
                elements = List.copyOf(elements);
            }
        }

        @Override
        public Type type() {
            return Type.ARRAY;
        }

        @Override
        public boolean isNull() {
            return elements == null;
        }

        /** Number of elements; -1 for the null array. */
        public int size() {
            return elements == null ? -1 : elements.size();
        }

        /** Element {@code index}. */
        public RespValue get(int index) {
            if (elements == null) {
                throw new IllegalStateException("the null array has no elements");
            }
            return elements.get(index);
        }

        @Override
        public List<RespValue> asList() {
            return elements;
        }

        @Override
        public String toString() {
            return elements == null ? "*-1(null)" : "*" + elements.size() + elements;
        }
    }

    private static long parseLong(RespValue value, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("expected an integer but the reply is " + value, e);
        }
    }
}
