package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsProvider;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * JDK vs OpenSSL provider interleaved in one process, round by round, so that a shared machine's drifting load
 * hits both alike: each round measures every case for {@code seconds} on JDK, then on OpenSSL, and prints the
 * OpenSSL/JDK ratio; the summary gives the median ratio over the rounds. Same cases as
 * {@link TlsProviderBenchmark}: full and resumed handshakes (mutual TLS 1.3, ECDSA P-256, each with one 64-byte
 * round trip and a close), 64 KiB writes, 64-byte round trips.
 * {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.tether.bench.tls.ProviderComparison 6 1.5}
 */
public final class ProviderComparison {
    private static final String[] CASES = {"full handshakes/s", "resumed handshakes/s", "bulk 64 KiB MB/s",
            "64-byte round trips/s"};

    private ProviderComparison() {
    }

    private interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.5;
        Side jdk = new Side(TlsProvider.JDK);
        Side openssl = new Side(TlsProvider.OPENSSL);
        List<double[]> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double[] j = jdk.measure(seconds);
            double[] o = openssl.measure(seconds);
            double[] r = new double[CASES.length];
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d:", round));
            for (int i = 0; i < CASES.length; i++) {
                r[i] = o[i] / j[i];
                line.append(String.format(Locale.ROOT, "  %s JDK %.1f OpenSSL %.1f (%.2fx)", CASES[i], j[i], o[i], r[i]));
            }
            System.out.println(line);
            // The first round warms the JIT up; it is printed but not counted.
            if (round > 1 || rounds == 1) {
                ratios.add(r);
            }
        }
        System.out.println("median OpenSSL/JDK over " + ratios.size() + " rounds:");
        for (int i = 0; i < CASES.length; i++) {
            double[] col = new double[ratios.size()];
            for (int k = 0; k < col.length; k++) {
                col[k] = ratios.get(k)[i];
            }
            Arrays.sort(col);
            System.out.printf(Locale.ROOT, "  %-22s %.2fx (min %.2fx, max %.2fx)%n", CASES[i], col[col.length / 2],
                    col[0], col[col.length - 1]);
        }
        jdk.close();
        openssl.close();
    }

    /** One provider's servers and kept connections. */
    private static final class Side implements AutoCloseable {
        final ProviderFixture echo;
        final ProviderFixture discard;
        final TlsConnector full;
        final TlsConnector resuming;
        final TlsConnection bulk;
        final TlsConnection kept;
        final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer out = ByteBuffer.allocate(64);
        final ByteBuffer in = ByteBuffer.allocate(64);

        Side(TlsProvider provider) throws Exception {
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
            bulk = discard.connector(true).connect(discard.endpoint(), Deadline.after(Duration.ofSeconds(10)));
            kept = echo.connectAndRoundTrip(resuming);
            System.out.println(provider + ": " + full.source().current().config().providerInUse());
        }

        double[] measure(double seconds) throws Exception {
            return new double[] {
                rate(seconds, () -> echo.connectAndRoundTrip(full).close()),
                rate(seconds, () -> echo.connectAndRoundTrip(resuming).close()),
                rate(seconds, () -> {
                    chunk.clear();
                    bulk.write(chunk, Deadline.after(Duration.ofSeconds(30)));
                }) * 65536 / 1e6,
                rate(seconds, () -> ProviderFixture.roundTrip(kept, out, in)),
            };
        }

        private static double rate(double seconds, Op op) throws Exception {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long start = System.nanoTime();
            long n = 0;
            long now;
            do {
                op.run();
                n++;
                now = System.nanoTime();
            } while (now < end);
            return n / ((now - start) / 1e9);
        }

        @Override
        public void close() throws Exception {
            bulk.close();
            kept.close();
            echo.close();
            discard.close();
        }
    }
}
