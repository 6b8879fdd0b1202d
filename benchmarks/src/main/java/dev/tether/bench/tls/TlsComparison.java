package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.tls.TlsConnection;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;

/**
 * The JMH comparisons re-run as interleaved slices: every round times each client for a short slice, in rotating
 * order, and the report gives medians and the median of per-round ratios. Slower to drift with background load
 * than separate JMH trials on a shared 2-core machine, so it backs up the JMH figures.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp benchmarks.jar dev.tether.bench.tls.TlsComparison [rounds]}.
 */
public final class TlsComparison {
    private static final int SIZE = 64;
    private static final int CHUNK = 64 * 1024;

    private TlsComparison() {
    }

    interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        TlsFixture fixture = new TlsFixture();
        try (JdkTlsServer echo = new JdkTlsServer(fixture.serverContext, JdkTlsServer.Mode.ECHO);
             JdkTlsServer sink = new JdkTlsServer(fixture.serverContext, JdkTlsServer.Mode.DISCARD)) {
            Map<String, Op> roundTrips = new LinkedHashMap<>();
            roundTrips.put("jdkSslSocket", jdkRoundTrip(fixture.jdkSocket(echo.endpoint()), 0));
            roundTrips.put("jdkSslSocketWithReadTimeout", jdkRoundTrip(fixture.jdkSocket(echo.endpoint()), 30_000));
            roundTrips.put("tetherTlsConnection", tetherRoundTrip(fixture.tetherConnector()
                    .connect(echo.endpoint(), Deadline.after(Duration.ofSeconds(10)))));
            roundTrips.put("tetherTlsOverBareChannel", tetherRoundTrip(fixture.tetherOverBareChannel(echo.endpoint())));
            compare("64-byte round trips", roundTrips, 2000, rounds, 1, "jdkSslSocket");

            Map<String, Op> bulk = new LinkedHashMap<>();
            bulk.put("jdkSslSocket", jdkBulk(fixture.jdkSocket(sink.endpoint())));
            bulk.put("tetherTlsConnection", tetherBulk(fixture.tetherConnector()
                    .connect(sink.endpoint(), Deadline.after(Duration.ofSeconds(10)))));
            bulk.put("tetherTlsOverBareChannel", tetherBulk(fixture.tetherOverBareChannel(sink.endpoint())));
            compare("64 KiB writes (MB/s)", bulk, 400, rounds, CHUNK / 1e6, "jdkSslSocket");
        }
    }

    private static void compare(String title, Map<String, Op> ops, int perSlice, int rounds, double scale,
                                String baseline) throws Exception {
        List<String> names = new ArrayList<>(ops.keySet());
        for (String name : names) {
            for (int i = 0; i < perSlice * 3; i++) {
                ops.get(name).run();
            }
        }
        Map<String, double[]> rates = new LinkedHashMap<>();
        names.forEach(n -> rates.put(n, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((r + k) % names.size());
                Op op = ops.get(name);
                long start = System.nanoTime();
                for (int i = 0; i < perSlice; i++) {
                    op.run();
                }
                rates.get(name)[r] = perSlice * scale / ((System.nanoTime() - start) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "%n%s, %d rounds (median, and median of per-round ratio to %s):%n", title,
                rounds, baseline);
        for (String name : names) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = rates.get(name)[r] / rates.get(baseline)[r];
            }
            System.out.printf(Locale.ROOT, "  %-28s %12.0f   ratio %.3f%n", name, median(rates.get(name)), median(ratio));
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Op tetherRoundTrip(TlsConnection c) {
        ByteBuffer request = ByteBuffer.allocate(SIZE);
        ByteBuffer response = ByteBuffer.allocate(SIZE);
        return () -> {
            request.clear();
            Deadline deadline = Deadline.after(Duration.ofSeconds(10));
            c.write(request, deadline);
            response.clear();
            while (response.hasRemaining()) {
                if (c.read(response, deadline) < 0) {
                    throw new IllegalStateException("server closed");
                }
            }
        };
    }

    private static Op jdkRoundTrip(SSLSocket socket, int timeoutMillis) throws Exception {
        socket.setSoTimeout(timeoutMillis);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        byte[] request = new byte[SIZE];
        byte[] response = new byte[SIZE];
        return () -> {
            out.write(request);
            out.flush();
            int got = 0;
            while (got < SIZE) {
                int n = in.read(response, got, SIZE - got);
                if (n < 0) {
                    throw new IllegalStateException("server closed");
                }
                got += n;
            }
        };
    }

    private static Op tetherBulk(TlsConnection c) {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        return () -> {
            chunk.clear();
            c.write(chunk, Deadline.after(Duration.ofSeconds(30)));
        };
    }

    private static Op jdkBulk(SSLSocket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[CHUNK];
        return () -> {
            out.write(chunk);
            out.flush();
        };
    }
}
