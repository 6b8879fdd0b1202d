package dev.tether.core.codec;

import java.nio.ByteBuffer;

/**
 * Renders a few raw bytes for an error message: printable ASCII as itself, control bytes as escapes. Callers
 * show only the handful of bytes around a fault, never a whole payload.
 */
final class ByteText {
    /** At most this many bytes are ever rendered, so a message cannot carry a payload. */
    static final int MAX_SHOWN = 16;

    private ByteText() {
    }

    /** One byte, as {@code 'x'} or an escape such as {@code '\r'} or {@code 0x9c}. */
    static String show(byte b) {
        int v = b & 0xFF;
        return switch (v) {
            case '\r' -> "'\\r'";
            case '\n' -> "'\\n'";
            case '\t' -> "'\\t'";
            case 0 -> "'\\0'";
            default -> v >= 0x20 && v < 0x7F ? "'" + (char) v + "'" : String.format("0x%02x", v);
        };
    }

    /** Up to {@link #MAX_SHOWN} bytes of {@code buf} from absolute index {@code from}, quoted and escaped. */
    static String show(ByteBuffer buf, int from, int count) {
        int n = Math.max(0, Math.min(count, Math.min(MAX_SHOWN, buf.limit() - from)));
        StringBuilder sb = new StringBuilder(n + 8).append('"');
        for (int i = 0; i < n; i++) {
            appendEscaped(sb, buf.get(from + i));
        }
        sb.append('"');
        if (count > n && buf.limit() - from > n) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** A whole short sequence (a delimiter, say), quoted and escaped. */
    static String show(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 8).append('"');
        for (byte b : bytes) {
            appendEscaped(sb, b);
        }
        return sb.append('"').toString();
    }

    private static void appendEscaped(StringBuilder sb, byte b) {
        int v = b & 0xFF;
        switch (v) {
            case '\r' -> sb.append("\\r");
            case '\n' -> sb.append("\\n");
            case '\t' -> sb.append("\\t");
            case '"' -> sb.append("\\\"");
            case '\\' -> sb.append("\\\\");
            default -> {
                if (v >= 0x20 && v < 0x7F) {
                    sb.append((char) v);
                } else {
                    sb.append(String.format("\\x%02x", v));
                }
            }
        }
    }
}
