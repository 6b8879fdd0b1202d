package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.tls.TlsConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput: 64 KiB writes over one TLS 1.3 connection to a JDK server that reads and discards. Each
 * operation is one 64 KiB write, so MB/s = ops/s x 65536 / 10^6.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TlsBulkBenchmark {
    static final int CHUNK = 64 * 1024;

    private JdkTlsServer server;
    private TlsConnection tether;
    private TlsConnection tetherBare;
    private SSLSocket jdk;
    private OutputStream jdkOut;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    private final byte[] jdkChunk = new byte[CHUNK];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        TlsFixture fixture = new TlsFixture();
        server = new JdkTlsServer(fixture.serverContext, JdkTlsServer.Mode.DISCARD);
        tether = fixture.tetherConnector().connect(server.endpoint(), Deadline.after(Duration.ofSeconds(10)));
        tetherBare = fixture.tetherOverBareChannel(server.endpoint());
        jdk = fixture.jdkSocket(server.endpoint());

        jdkOut = jdk.getOutputStream();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        tether.close();
        tetherBare.close();
        jdk.close();
        server.close();
    }

    /** Tether end to end: TlsConnection over the production SocketConnector. */
    @Benchmark
    public void tetherTlsConnection() throws Exception {
        chunk.clear();
        tether.write(chunk, Deadline.after(Duration.ofSeconds(30)));
    }

    /** Tether's TLS layer alone, over a bare blocking channel. */
    @Benchmark
    public void tetherTlsOverBareChannel() throws Exception {
        chunk.clear();
        tetherBare.write(chunk, Deadline.after(Duration.ofSeconds(30)));
    }

    @Benchmark
    public void jdkSslSocket() throws IOException {
        jdkOut.write(jdkChunk);
        jdkOut.flush();
    }
}
