package dev.tether.bench.pool;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.Lease;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What taking a pooled connection and giving it back costs (lease + close, no I/O), at 1, 8 and 64 threads,
 * against a thread that simply holds its own connection. The pool is sized so nobody waits: this measures the
 * bookkeeping (permits, commons-pool2, breaker, stats), not queueing.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PoolAcquireBenchmark {

    @State(Scope.Benchmark)
    public static class Pool {
        EchoServers servers;
        TetherClient<byte[], byte[]> client;

        @Setup(Level.Trial)
        public void start() throws TetherException {
            servers = new EchoServers();
            client = TetherClient.builder(LengthPrefixedCodec.create()).endpoint(servers.plainEndpoint())
                    .pool(PoolSettings.builder().maxTotal(64).maxPerEndpoint(64).build())
                    .circuitBreaker(CircuitBreakerSettings.defaults())
                    .build();
            // Open the connections up front so the measurement never includes a connect.
            Lease<?, ?>[] warm = new Lease<?, ?>[64];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = client.lease();
            }
            for (Lease<?, ?> l : warm) {
                l.close();
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            client.close();
            servers.close();
        }
    }

    @State(Scope.Thread)
    public static class Held {
        Connection connection;

        @Setup(Level.Trial)
        public void open(Pool pool) throws TetherException {
            connection = SocketConnector.create().connect(pool.servers.plainEndpoint(), Deadline.after(Duration.ofSeconds(5)));
        }

        @TearDown(Level.Trial)
        public void close() {
            connection.close();
        }
    }

    private static void leaseAndRelease(Pool pool, Blackhole bh) throws TetherException {
        try (Lease<byte[], byte[]> lease = pool.client.lease()) {
            bh.consume(lease);
        }
    }

    @Benchmark
    @Threads(1)
    public void pooled_01_threads(Pool pool, Blackhole bh) throws TetherException {
        leaseAndRelease(pool, bh);
    }

    @Benchmark
    @Threads(8)
    public void pooled_08_threads(Pool pool, Blackhole bh) throws TetherException {
        leaseAndRelease(pool, bh);
    }

    @Benchmark
    @Threads(64)
    public void pooled_64_threads(Pool pool, Blackhole bh) throws TetherException {
        leaseAndRelease(pool, bh);
    }

    /** The baseline: the thread's own connection, already in hand. */
    @Benchmark
    @Threads(8)
    public void held_08_threads(Held held, Blackhole bh) {
        bh.consume(held.connection.isOpen());
    }
}
