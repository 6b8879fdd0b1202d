package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsProvider;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * JDK vs OpenSSL provider interleaved in one process, so that a shared machine's drifting load hits both alike:
 * each round measures every case for {@code seconds} per provider, split into alternating slices (JDK, OpenSSL,
 * OpenSSL, JDK, ...), and prints the OpenSSL/JDK ratio; the summary gives the median ratio over the rounds. Same cases as
 * {@link TlsProviderBenchmark}: full and resumed handshakes (mutual TLS 1.3, ECDSA P-256, each with one 64-byte
 * round trip and a close), 64 KiB writes, 64-byte round trips; plus full handshakes with the chain validation
 * cache off on both ends (every handshake runs the JDK's PKIX validation), to show what the cache saves.
 *
 * <p>Besides the rate, each slice records the process's CPU time (all threads: client, server, JIT, GC) per
 * operation; the JDK/OpenSSL ratio of that is the second figure per case. On a shared machine the rate falls
 * when other processes take the cores, the CPU time per operation much less so.
 *
 * <p>Arguments: rounds, seconds per slice, warm-up rounds not counted (default 1; the JIT keeps compiling
 * handshake code for tens of seconds, so give handshake figures a few).
 * {@code java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar dev.tether.bench.tls.ProviderComparison 10 2 3}
 */
public final class ProviderComparison {
    private static final String[] CASES = {"full handshakes/s", "resumed handshakes/s", "bulk 64 KiB MB/s",
            "64-byte round trips/s", "full, no chain cache/s"};

    /** Converts each case's operations per second to the unit printed (bulk: 64 KiB writes to MB/s). */
    private static final double[] SCALE = {1, 1, 65536 / 1e6, 1, 1};
    /** Alternating slices per case and round. */
    private static final int SLICES = 4;
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProviderComparison() {
    }

    private interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.5;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Side jdk = new Side(TlsProvider.JDK);
        Side openssl = new Side(TlsProvider.OPENSSL);
        List<double[]> ratios = new ArrayList<>();
        List<double[]> cpuRatios = new ArrayList<>();
        List<double[]> jdkCpu = new ArrayList<>();
        List<double[]> opensslCpu = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double[] r = new double[CASES.length];
            double[] c = new double[CASES.length];
            double[] jc = new double[CASES.length];
            double[] oc = new double[CASES.length];
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d:", round));
            for (int i = 0; i < CASES.length; i++) {
                Result[] jo = measurePair(jdk.op(i), openssl.op(i), seconds);
                Result j = jo[0].scaled(SCALE[i]);
                Result o = jo[1].scaled(SCALE[i]);
                r[i] = o.rate / j.rate;
                c[i] = j.cpuMicrosPerOp / o.cpuMicrosPerOp;
                jc[i] = j.cpuMicrosPerOp;
                oc[i] = o.cpuMicrosPerOp;
                line.append(String.format(Locale.ROOT, "%n  %-22s JDK %9.1f (%8.1f us CPU/op)  OpenSSL %9.1f (%8.1f us"
                        + " CPU/op)  rate %.2fx  CPU %.2fx", CASES[i], j.rate, j.cpuMicrosPerOp, o.rate,
                        o.cpuMicrosPerOp, r[i], c[i]));
            }
            System.out.println(line);
            // The first rounds warm the JIT up; they are printed but not counted.
            if (round > warmup || rounds <= warmup) {
                ratios.add(r);
                cpuRatios.add(c);
                jdkCpu.add(jc);
                opensslCpu.add(oc);
            }
        }
        System.out.println("median OpenSSL/JDK over " + ratios.size() + " rounds: rate (min-max); JDK/OpenSSL CPU"
                + " time per operation (min-max)");
        for (int i = 0; i < CASES.length; i++) {
            double[] col = column(ratios, i);
            double[] cpu = column(cpuRatios, i);
            System.out.printf(Locale.ROOT, "  %-22s %.2fx (%.2f-%.2f)   CPU %.2fx (%.2f-%.2f)%n", CASES[i],
                    col[col.length / 2], col[0], col[col.length - 1], cpu[cpu.length / 2], cpu[0], cpu[cpu.length - 1]);
        }
        System.out.println("median CPU time per operation, us: JDK, OpenSSL");
        for (int i = 0; i < CASES.length; i++) {
            double[] j = column(jdkCpu, i);
            double[] o = column(opensslCpu, i);
            System.out.printf(Locale.ROOT, "  %-22s %9.1f  %9.1f%n", CASES[i], j[j.length / 2], o[o.length / 2]);
        }
        jdk.close();
        openssl.close();
    }

    /**
     * One case on both providers for {@code seconds} each, in {@link #SLICES} alternating slices (JDK, OpenSSL,
     * OpenSSL, JDK, ...), so that a neighbour taking a core for a second slows both alike instead of one.
     */
    private static Result[] measurePair(Op jdk, Op openssl, double seconds) throws Exception {
        long[] n = new long[2];
        long[] nanos = new long[2];
        long[] cpu = new long[2];
        for (int slice = 0; slice < SLICES; slice++) {
            for (int k = 0; k < 2; k++) {
                int side = (slice % 2 == 0) == (k == 0) ? 0 : 1;
                long end = System.nanoTime() + (long) (seconds / SLICES * 1e9);
                long cpuStart = CPU.getProcessCpuTime();
                long start = System.nanoTime();
                long now;
                Op op = side == 0 ? jdk : openssl;
                do {
                    op.run();
                    n[side]++;
                    now = System.nanoTime();
                } while (now < end);
                nanos[side] += now - start;
                cpu[side] += CPU.getProcessCpuTime() - cpuStart;
            }
        }
        Result[] results = new Result[2];
        for (int side = 0; side < 2; side++) {
            results[side] = new Result(n[side] / (nanos[side] / 1e9), cpu[side] / 1e3 / n[side]);
        }
        return results;
    }

    private static double[] column(List<double[]> rows, int i) {
        double[] col = new double[rows.size()];
        for (int k = 0; k < col.length; k++) {
            col[k] = rows.get(k)[i];
        }
        Arrays.sort(col);
        return col;
    }

    /** Operations per second, and the process's CPU time per operation. */
    private record Result(double rate, double cpuMicrosPerOp) {
        /** The rate in other units (bulk: writes/s to MB/s); CPU time stays per operation. */
        Result scaled(double factor) {
            return new Result(rate * factor, cpuMicrosPerOp);
        }
    }

    /** One provider's servers and kept connections. */
    private static final class Side implements AutoCloseable {
        final ProviderFixture echo;
        final ProviderFixture echoNoChainCache;
        final ProviderFixture discard;
        final TlsConnector full;
        final TlsConnector fullNoChainCache;
        final TlsConnector resuming;
        final TlsConnection bulk;
        final TlsConnection kept;
        final ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer out = ByteBuffer.allocate(64);
        final ByteBuffer in = ByteBuffer.allocate(64);

        Side(TlsProvider provider) throws Exception {
            echo = new ProviderFixture(provider, ProviderFixture.Mode.ECHO);
            discard = new ProviderFixture(provider, ProviderFixture.Mode.DISCARD);
            // The one case that turns a default off: it measures what the chain validation cache saves.
            echoNoChainCache = new ProviderFixture(provider, ProviderFixture.Mode.ECHO, Duration.ZERO);
            full = echo.connector(false);
            fullNoChainCache = echoNoChainCache.connector(false);
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

        Op op(int i) {
            return switch (i) {
                case 0 -> () -> echo.connectAndRoundTrip(full).close();
                case 1 -> () -> echo.connectAndRoundTrip(resuming).close();
                case 2 -> () -> {
                    chunk.clear();
                    bulk.write(chunk, Deadline.after(Duration.ofSeconds(30)));
                };
                case 3 -> () -> ProviderFixture.roundTrip(kept, out, in);
                case 4 -> () -> echoNoChainCache.connectAndRoundTrip(fullNoChainCache).close();
                default -> throw new IllegalArgumentException("case " + i);
            };
        }

        @Override
        public void close() throws Exception {
            bulk.close();
            kept.close();
            echo.close();
            echoNoChainCache.close();
            discard.close();
        }
    }
}
