package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.tls.TlsConnection;
import java.io.IOException;
import java.io.InputStream;
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
 * 64-byte request/response round trips over one kept-alive TLS 1.3 connection to the same JDK echo server:
 * Tether's {@code TlsConnection} against the JDK's {@code SSLSocket}. Single caller; the figure is round trips per
 * second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TlsRoundTripBenchmark {
    private static final int SIZE = 64;

    private JdkTlsServer server;
    private TlsConnection tether;
    private TlsConnection tetherBare;
    private SSLSocket jdkTimed;
    private SSLSocket jdk;
    private final ByteBuffer request = ByteBuffer.allocate(SIZE);
    private final ByteBuffer response = ByteBuffer.allocate(SIZE);
    private final byte[] jdkRequest = new byte[SIZE];
    private final byte[] jdkResponse = new byte[SIZE];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        TlsFixture fixture = new TlsFixture();
        server = new JdkTlsServer(fixture.serverContext, JdkTlsServer.Mode.ECHO);
        tether = fixture.tetherConnector().connect(server.endpoint(), Deadline.after(Duration.ofSeconds(10)));
        tetherBare = fixture.tetherOverBareChannel(server.endpoint());
        jdk = fixture.jdkSocket(server.endpoint());
        jdkTimed = fixture.jdkSocket(server.endpoint());
        jdkTimed.setSoTimeout(30_000);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        tether.close();
        tetherBare.close();
        jdk.close();
        jdkTimed.close();
        server.close();
    }

    /** Tether end to end: TlsConnection over the production SocketConnector, with a deadline on every call. */
    @Benchmark
    public int tetherTlsConnection() throws Exception {
        return tetherRoundTrip(tether);
    }

    /** Tether's TLS layer alone, over a bare blocking channel without timeouts (like the plain SSLSocket). */
    @Benchmark
    public int tetherTlsOverBareChannel() throws Exception {
        return tetherRoundTrip(tetherBare);
    }

    private int tetherRoundTrip(TlsConnection c) throws Exception {
        request.clear();
        Deadline deadline = Deadline.after(Duration.ofSeconds(10));
        c.write(request, deadline);
        response.clear();
        while (response.hasRemaining()) {
            if (c.read(response, deadline) < 0) {
                throw new IllegalStateException("server closed");
            }
        }
        return response.get(0);
    }

    /** The JDK's SSLSocket without a read timeout. */
    @Benchmark
    public int jdkSslSocket() throws IOException {
        return jdkRoundTrip(jdk);
    }

    /** The JDK's SSLSocket with SO_TIMEOUT set, as production code needs for a bounded read. */
    @Benchmark
    public int jdkSslSocketWithReadTimeout() throws IOException {
        return jdkRoundTrip(jdkTimed);
    }

    private int jdkRoundTrip(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(jdkRequest);
        out.flush();
        int got = 0;
        while (got < SIZE) {
            int n = in.read(jdkResponse, got, SIZE - got);
            if (n < 0) {
                throw new IllegalStateException("server closed");
            }
            got += n;
        }
        return jdkResponse[0];
    }
}
