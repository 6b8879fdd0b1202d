package dev.tether.core.codec;

import dev.tether.core.ProtocolViolationException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Binary messages each preceded by a big-endian unsigned length: a 1, 2 or 4-byte header giving the number of
 * payload bytes that follow (the header does not count itself). Payloads are opaque {@code byte[]}; an empty
 * payload is a valid message.
 *
 * <p>A header announcing more than {@link #maxPayloadSize()} is rejected as soon as the header arrives, before
 * any payload is buffered. With a 4-byte header, lengths with the top bit set (negative when read as a signed
 * {@code int}, as some peers write them) are rejected the same way.
 *
 * <p>Immutable and thread-safe. Decoding reads the header and checks the buffered length, so a call costs the
 * same however much of a large payload has arrived. <b>Memory:</b> decoding a frame allocates its payload once
 * and next to nothing else, at most 1.25 times the frame size (1.01 measured).
 */
public final class LengthPrefixedCodec implements Codec<byte[], byte[]> {
    /** Default maximum payload with a 4-byte header: 16 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_SIZE = 16 * 1024 * 1024;

    private static final LengthPrefixedCodec DEFAULT = builder().build();

    private final int headerBytes;
    private final int maxPayloadSize;
    private final byte[] pingRequest;
    private final byte[] pingReply;

    private LengthPrefixedCodec(int headerBytes, int maxPayloadSize, byte[] pingRequest, byte[] pingReply) {
        this.headerBytes = headerBytes;
        this.maxPayloadSize = maxPayloadSize;
        this.pingRequest = pingRequest;
        this.pingReply = pingReply;
    }

    /** A 4-byte header and payloads up to {@value #DEFAULT_MAX_PAYLOAD_SIZE} bytes, no ping. */
    public static LengthPrefixedCodec create() {
        return DEFAULT;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The largest payload a header of {@code headerBytes} (1, 2 or 4) can announce that also fits a frame. */
    public static int headerCapacity(int headerBytes) {
        return switch (headerBytes) {
            case 1 -> 0xFF;
            case 2 -> 0xFFFF;
            // The whole frame must still fit one Java array.
            case 4 -> Integer.MAX_VALUE - 8 - 4;
            default -> throw new IllegalArgumentException("headerBytes must be 1, 2 or 4: " + headerBytes);
        };
    }

    /** Width of the length header: 1, 2 or 4 bytes. */
    public int headerBytes() {
        return headerBytes;
    }

    /** The largest payload accepted in either direction, header excluded. */
    public int maxPayloadSize() {
        return maxPayloadSize;
    }

    /** {@link #headerBytes()} plus {@link #maxPayloadSize()}. */
    @Override
    public int maxFrameSize() {
        return headerBytes + maxPayloadSize;
    }

    /** The ping, if configured; each call returns fresh copies of its bytes. */
    /** One reply per request, in request order. */
    @Override
    public boolean repliesInOrder() {
        return true;
    }

    @Override
    public Optional<KeepAlivePing<byte[], byte[]>> keepAlivePing() {
        if (pingRequest == null) {
            return Optional.empty();
        }
        byte[] expected = pingReply;
        return Optional.of(new KeepAlivePing<>(pingRequest.clone(), reply -> Arrays.equals(expected, reply)));
    }

    /** @throws ProtocolViolationException when the payload is larger than {@link #maxPayloadSize()} */
    @Override
    public ByteBuffer encode(byte[] payload) throws ProtocolViolationException {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > maxPayloadSize) {
            throw Violations.unencodable("payload of " + payload.length + " bytes exceeds maxPayloadSize "
                    + maxPayloadSize + " (" + headerBytes + "-byte length header)");
        }
        ByteBuffer out = ByteBuffer.allocate(headerBytes + payload.length);
        switch (headerBytes) {
            case 1 -> out.put((byte) payload.length);
            case 2 -> out.putShort((short) payload.length);
            default -> out.putInt(payload.length);
        }
        return out.put(payload).flip();
    }

    @Override
    public byte[] decode(ByteBuffer in) throws ProtocolViolationException {
        int base = in.position();
        if (in.remaining() < headerBytes) {
            return null;
        }
        // Byte by byte: getShort/getInt would follow the caller's buffer order, and the header is big-endian.
        long length = 0;
        for (int i = 0; i < headerBytes; i++) {
            length = (length << 8) | (in.get(base + i) & 0xFFL);
        }
        if (length > maxPayloadSize) {
            String signedNote = headerBytes == 4 && length > Integer.MAX_VALUE
                    ? ", " + (int) length + " as a signed int" : "";
            throw Violations.malformed("frame announces " + length + " payload bytes" + signedNote
                    + ", more than maxPayloadSize " + maxPayloadSize + " (header "
                    + ByteText.show(in, base, headerBytes) + ")");
        }
        if (in.remaining() - headerBytes < length) {
            return null;
        }
        byte[] payload = new byte[(int) length];
        in.get(base + headerBytes, payload);
        in.position(base + headerBytes + payload.length);
        return payload;
    }

    @Override
    public String toString() {
        return "LengthPrefixedCodec[headerBytes=" + headerBytes + ", maxPayloadSize=" + maxPayloadSize
                + (pingRequest == null ? "" : ", ping") + "]";
    }

    /** Builds a {@link LengthPrefixedCodec}; {@link #build()} checks the size against the header width. */
    public static final class Builder {
        private int headerBytes = 4;
        private Integer maxPayloadSize;
        private byte[] pingRequest;
        private byte[] pingReply;

        private Builder() {
        }

        /** 1, 2 or 4; default 4. */
        public Builder headerBytes(int headerBytes) {
            headerCapacity(headerBytes);
            this.headerBytes = headerBytes;
            return this;
        }

        /**
         * The largest payload accepted, header excluded; at most what the header can express. Default: 16 MiB
         * with a 4-byte header, else the header's capacity (255 or 65535).
         */
        public Builder maxPayloadSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxPayloadSize must be positive: " + bytes);
            }
            maxPayloadSize = bytes;
            return this;
        }

        /** A keep-alive: send {@code request}; the peer is healthy when it answers exactly {@code expectedReply}. */
        public Builder ping(byte[] request, byte[] expectedReply) {
            pingRequest = Objects.requireNonNull(request, "request").clone();
            pingReply = Objects.requireNonNull(expectedReply, "expectedReply").clone();
            return this;
        }

        /** No keep-alive ping (the default). */
        public Builder noPing() {
            pingRequest = null;
            pingReply = null;
            return this;
        }

        /** @throws IllegalArgumentException naming the bad value when the settings do not fit together */
        public LengthPrefixedCodec build() {
            int capacity = headerCapacity(headerBytes);
            int max = maxPayloadSize == null ? Math.min(capacity, DEFAULT_MAX_PAYLOAD_SIZE) : maxPayloadSize;
            if (max > capacity) {
                throw new IllegalArgumentException("maxPayloadSize " + max + " exceeds what a " + headerBytes
                        + "-byte length header can express (" + capacity + ")");
            }
            if (pingRequest != null && (pingRequest.length > max || pingReply.length > max)) {
                throw new IllegalArgumentException("ping request (" + pingRequest.length + " bytes) and reply ("
                        + pingReply.length + " bytes) must each fit maxPayloadSize " + max);
            }
            return new LengthPrefixedCodec(headerBytes, max, pingRequest, pingReply);
        }
    }
}
