package dev.tether.cli.bench;

import dev.tether.core.codec.Codec;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.core.codec.LineCodec;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import java.util.function.Predicate;

/**
 * What one benchmark call sends and how its reply is checked: an echo of a payload of a chosen size, in one of
 * the {@link BenchProtocol}s. A reply that is not the expected echo counts as an error, so a benchmark never
 * reports speed for wrong answers.
 *
 * @param codec the protocol's codec
 * @param request the request every call sends
 * @param isExpectedReply true for a correct reply
 * @param <Req> request type
 * @param <Resp> reply type
 */
public record Workload<Req, Resp>(Codec<Req, Resp> codec, Req request, Predicate<Resp> isExpectedReply) {
    public Workload {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(isExpectedReply, "isExpectedReply");
    }

    /** An echo workload of {@code payloadBytes} bytes (at least 1) in {@code protocol}. */
    public static Workload<?, ?> echo(BenchProtocol protocol, int payloadBytes) {
        if (payloadBytes < 1) {
            throw new IllegalArgumentException("payload must be at least 1 byte: " + payloadBytes);
        }
        return switch (protocol) {
            case LINE -> line(payloadBytes);
            case LENGTH -> length(payloadBytes);
            case RESP -> resp(payloadBytes);
        };
    }

    /** Printable ASCII, so the payload is valid in every protocol and readable in a packet capture. */
    static String text(int bytes) {
        char[] chars = new char[bytes];
        for (int i = 0; i < bytes; i++) {
            chars[i] = (char) ('a' + i % 26);
        }
        return new String(chars);
    }

    private static Workload<String, String> line(int bytes) {
        LineCodec codec = LineCodec.builder().maxLineLength(Math.max(LineCodec.DEFAULT_MAX_LINE_LENGTH, bytes)).build();
        String payload = text(bytes);
        return new Workload<>(codec, payload, payload::equals);
    }

    private static Workload<byte[], byte[]> length(int bytes) {
        LengthPrefixedCodec codec = LengthPrefixedCodec.builder()
                .maxPayloadSize(Math.max(LengthPrefixedCodec.DEFAULT_MAX_PAYLOAD_SIZE, bytes)).build();
        byte[] payload = new byte[bytes];
        new Random(bytes).nextBytes(payload);
        return new Workload<>(codec, payload, reply -> Arrays.equals(reply, payload));
    }

    private static Workload<RespValue, RespValue> resp(int bytes) {
        String payload = text(bytes);
        RespValue request = RespValue.command("ECHO", payload);
        byte[] expected = payload.getBytes(StandardCharsets.US_ASCII);
        return new Workload<>(RespCodec.create(), request, reply -> reply.equals(request)
                || reply.type() == RespValue.Type.BULK_STRING && !reply.isNull() && Arrays.equals(reply.asBytes(), expected));
    }
}
