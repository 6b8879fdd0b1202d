package dev.tether.bench.pool;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a whole {@code client.call()} costs in CPU beyond the exchange itself: the same 64-byte length-prefixed
 * exchange through a default pooled client and on a connection the thread holds, both over an in-memory echo
 * connection ({@link MemoryEchoConnection}, no network) so the difference is the pool's work per call (pick,
 * acquire, breaker, retry loop, release, stats). {@link InterleavedEchoComparison} puts the same calls over TLS,
 * where this difference is a share of a real round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PooledCallOverheadBenchmark {
    private static final Endpoint ENDPOINT = Endpoint.of("127.0.0.1", 9);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] PAYLOAD = PooledEchoBenchmark.PAYLOAD;

    /** A client whose connections are in-memory echoes, with {@code settings}. */
    private static TetherClient<byte[], byte[]> client(PoolSettings settings) {
        return TetherClient.builder(LengthPrefixedCodec.create()).endpoint(ENDPOINT)
                .connector((endpoint, deadline) -> new MemoryEchoConnection(endpoint))
                .pool(settings)
                .build();
    }

    /** A client with default settings. */
    @State(Scope.Benchmark)
    public static class Pooled {
        TetherClient<byte[], byte[]> client;
        final CallOptions options = CallOptions.timeout(TIMEOUT);

        @Setup(Level.Trial)
        public void start() {
            client = client(settings());
        }

        PoolSettings settings() {
            return PoolSettings.defaults();
        }

        @TearDown(Level.Trial)
        public void stop() {
            client.close();
        }
    }

    /** The same with {@code pipelineDepth(32)}: a lone caller on a shared connection. */
    @State(Scope.Benchmark)
    public static class Pipelined extends Pooled {
        @Override
        PoolSettings settings() {
            return PoolSettings.builder().pipelineDepth(32).build();
        }
    }

    /** The thread's own in-memory echo connection. */
    @State(Scope.Thread)
    public static class Held {
        FramedConnection<byte[], byte[]> framed;

        @Setup(Level.Trial)
        public void open() {
            framed = new FramedConnection<>(new MemoryEchoConnection(ENDPOINT), LengthPrefixedCodec.create());
        }
    }

    @Benchmark
    @Threads(1)
    public byte[] pooled_call_01_threads(Pooled pooled) throws TetherException {
        return pooled.client.call(PAYLOAD, pooled.options);
    }

    @Benchmark
    @Threads(1)
    public byte[] pipelined_call_01_threads(Pipelined pipelined) throws TetherException {
        return pipelined.client.call(PAYLOAD, pipelined.options);
    }

    @Benchmark
    @Threads(1)
    public byte[] held_exchange_01_threads(Held held) throws TetherException {
        return held.framed.exchange(PAYLOAD, Deadline.after(TIMEOUT));
    }

    @Benchmark
    @Threads(8)
    public byte[] pooled_call_08_threads(Pooled pooled) throws TetherException {
        return pooled.client.call(PAYLOAD, pooled.options);
    }

    @Benchmark
    @Threads(8)
    public byte[] held_exchange_08_threads(Held held) throws TetherException {
        return held.framed.exchange(PAYLOAD, Deadline.after(TIMEOUT));
    }
}
