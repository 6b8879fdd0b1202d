package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsProvider;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JDK vs OpenSSL provider, both ends through Tether's TLS layer in this JVM (see {@link ProviderFixture}):
 * TLS 1.3, mutual TLS, ECDSA P-256. Each benchmark runs once per provider in the same JMH run, so compare the
 * two rows as a ratio.
 *
 * <ul>
 *   <li>{@code fullHandshake}: connect + full handshake (session resumption off) + one 64-byte round trip + close;</li>
 *   <li>{@code resumedHandshake}: the same with resumption on (every connection after the first resumes);</li>
 *   <li>{@code bulk64k}: one 64 KiB write to a server that discards (MB/s = ops/s x 0.065536);</li>
 *   <li>{@code roundTrip64}: one 64-byte echo round trip on a kept connection.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class TlsProviderBenchmark {

    /** One provider's servers and connections. */
    @State(Scope.Benchmark)
    public static class Side {
        @Param({"JDK", "OPENSSL"})
        public TlsProvider provider;

        ProviderFixture echo;
        ProviderFixture discard;
        TlsConnector full;
        TlsConnector resuming;
        TlsConnection bulk;
        TlsConnection kept;
        final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer out = ByteBuffer.allocate(64);
        final ByteBuffer in = ByteBuffer.allocate(64);

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            echo = new ProviderFixture(provider, ProviderFixture.Mode.ECHO);
            discard = new ProviderFixture(provider, ProviderFixture.Mode.DISCARD);
            full = echo.connector(false);
            resuming = echo.connector(true);
            echo.connectAndRoundTrip(resuming).close();
            try (TlsConnection second = echo.connectAndRoundTrip(resuming)) {
                if (!second.isResumed()) {
                    throw new IllegalStateException(provider + ": the second connection did not resume");
                }
            }
            if (!full.source().current().config().providerInUse().equalsIgnoreCase(provider.name())) {
                throw new IllegalStateException("asked for " + provider + ", got "
                        + full.source().current().config().providerInUse());
            }
            bulk = discard.connector(true).connect(discard.endpoint(), Deadline.after(Duration.ofSeconds(10)));
            kept = echo.connectAndRoundTrip(resuming);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            bulk.close();
            kept.close();
            echo.close();
            discard.close();
        }
    }

    @Benchmark
    public boolean fullHandshake(Side s) throws Exception {
        try (TlsConnection c = s.echo.connectAndRoundTrip(s.full)) {
            return c.isResumed();
        }
    }

    @Benchmark
    public boolean resumedHandshake(Side s) throws Exception {
        try (TlsConnection c = s.echo.connectAndRoundTrip(s.resuming)) {
            return c.isResumed();
        }
    }

    @Benchmark
    public void bulk64k(Side s) throws Exception {
        s.chunk.clear();
        s.bulk.write(s.chunk, Deadline.after(Duration.ofSeconds(30)));
    }

    @Benchmark
    public void roundTrip64(Side s) throws Exception {
        ProviderFixture.roundTrip(s.kept, s.out, s.in);
    }
}
