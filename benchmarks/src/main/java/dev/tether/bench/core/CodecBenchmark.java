package dev.tether.bench.core;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.FrameDecoder;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.core.codec.LineCodec;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode throughput of the codecs sdk-core ships, in frames per second, from a heap buffer holding
 * {@value #FRAMES} encoded frames (a heap buffer, as {@code FramedConnection} reads into):
 * <ul>
 *   <li>{@code wholeBuffer}: every frame is already there, {@link Codec#decode(ByteBuffer)} in a loop; the cost
 *       of parsing alone.</li>
 *   <li>{@code chunkedResumable}: the bytes arrive {@value #CHUNK} at a time and one {@link Codec#newDecoder()}
 *       per stream is asked after each arrival, as a connection reading a slow or fragmented stream does.</li>
 *   <li>{@code chunkedStateless}: the same arrival pattern through {@link Codec#decode(ByteBuffer)}, which
 *       re-reads a partial frame from its start each time; the baseline the resumable decoder must beat.</li>
 * </ul>
 * Formats: {@code line} (about 40-byte text lines), {@code lengthPrefixed} (64-byte payloads, 4-byte header),
 * {@code respCommand} (a Redis {@code SET key value} array of three bulks, 64-byte value) and
 * {@code respBulk16k} (one 16 KiB bulk string). {@code LengthPrefixedCodec} has no stateful decoder (its header
 * says where the frame ends, so there is nothing to resume), so its two chunked figures measure the same path.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark {

    static final int FRAMES = 256;
    /** Small enough that a 16 KiB bulk arrives in 256 pieces, about a fragmented TLS record's worth. */
    static final int CHUNK = 64;

    @Param({"line", "lengthPrefixed", "respCommand", "respBulk16k"})
    public String format;

    private Codec<?, ?> codec;
    /** The encoded frames back to back; benchmarks read duplicates and never modify it. */
    private ByteBuffer frames;

    @Setup(Level.Trial)
    public void encodeFrames() throws ProtocolViolationException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (format) {
            case "line" -> {
                LineCodec c = LineCodec.create();
                for (int i = 0; i < FRAMES; i++) {
                    append(out, c.encode(String.format("SET user:%06d value-%06d-abcdefghijk", i, i)));
                }
                codec = c;
            }
            case "lengthPrefixed" -> {
                LengthPrefixedCodec c = LengthPrefixedCodec.create();
                for (int i = 0; i < FRAMES; i++) {
                    append(out, c.encode(payload(64, i)));
                }
                codec = c;
            }
            case "respCommand" -> {
                RespCodec c = RespCodec.create();
                for (int i = 0; i < FRAMES; i++) {
                    append(out, c.encode(RespValue.command("SET".getBytes(), String.format("user:%06d", i).getBytes(),
                            payload(64, i))));
                }
                codec = c;
            }
            case "respBulk16k" -> {
                RespCodec c = RespCodec.create();
                for (int i = 0; i < FRAMES; i++) {
                    append(out, c.encode(RespValue.bulk(payload(16 * 1024, i))));
                }
                codec = c;
            }
            default -> throw new IllegalArgumentException("unknown format: " + format);
        }
        frames = ByteBuffer.wrap(out.toByteArray());
        // A benchmark that silently decoded fewer frames would report a flattering rate: check every path once.
        Consumer<Object> ignore = message -> { };
        requireAllDecoded("wholeBuffer", drain(codec::decode, ignore));
        requireAllDecoded("chunkedStateless", feedInChunks(codec::decode, ignore));
        requireAllDecoded("chunkedResumable", feedInChunks(codec.newDecoder(), ignore));
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int wholeBuffer(Blackhole bh) throws ProtocolViolationException {
        return drain(codec::decode, bh::consume);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int chunkedStateless(Blackhole bh) throws ProtocolViolationException {
        return feedInChunks(codec::decode, bh::consume);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int chunkedResumable(Blackhole bh) throws ProtocolViolationException {
        return feedInChunks(codec.newDecoder(), bh::consume);
    }

    private int drain(FrameDecoder<?> decoder, Consumer<Object> sink) throws ProtocolViolationException {
        ByteBuffer in = frames.duplicate();
        int decoded = 0;
        Object message;
        while ((message = decoder.decode(in)) != null) {
            sink.accept(message);
            decoded++;
        }
        return decoded;
    }

    /**
     * Raises the limit {@value #CHUNK} bytes at a time, as reads appending to a connection's buffer would, and
     * drains every complete frame after each arrival.
     */
    private int feedInChunks(FrameDecoder<?> decoder, Consumer<Object> sink) throws ProtocolViolationException {
        ByteBuffer in = frames.duplicate();
        int end = in.limit();
        in.limit(0);
        int decoded = 0;
        while (in.limit() < end) {
            in.limit(Math.min(end, in.limit() + CHUNK));
            Object message;
            while ((message = decoder.decode(in)) != null) {
                sink.accept(message);
                decoded++;
            }
        }
        return decoded;
    }

    private void requireAllDecoded(String path, int decoded) {
        if (decoded != FRAMES) {
            throw new IllegalStateException(format + " " + path + " decoded " + decoded + " of " + FRAMES + " frames");
        }
    }

    private static void append(ByteArrayOutputStream out, ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        out.write(bytes, 0, bytes.length);
    }

    private static byte[] payload(int size, int seed) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) ('a' + seed % 26));
        return b;
    }
}
