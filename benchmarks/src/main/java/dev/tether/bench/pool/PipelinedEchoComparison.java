package dev.tether.bench.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pipelined calls against exclusive ones, round by round in one process (as {@link InterleavedEchoComparison}):
 * two clients on the same in-JVM echo server, one with the default pool (each call a connection to itself), one
 * with {@code pipelineDepth(depth)}; both may open one connection per caller. 64-byte payloads, length-prefixed.
 * Every reply is checked to be the echo of its request; any failure aborts the run. Not a JMH benchmark.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.PipelinedEchoComparison
 * <threads> <plain|tls> <rounds> <depth>}
 */
public final class PipelinedEchoComparison {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Calls per slice in all, whatever the thread count, so slices take comparable time. */
    private static final int CALLS_PER_SLICE = 48_000;

    private PipelinedEchoComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !(args[1].equals("plain") || args[1].equals("tls"))) {
            throw new IllegalArgumentException("usage: PipelinedEchoComparison <threads> <plain|tls> <rounds> <depth>");
        }
        int threads = Integer.parseInt(args[0]);
        boolean tls = args[1].equals("tls");
        int rounds = Integer.parseInt(args[2]);
        int depth = Integer.parseInt(args[3]);
        int perThread = Math.max(1, CALLS_PER_SLICE / threads);

        EchoServers servers = new EchoServers();
        Endpoint endpoint = tls ? servers.tlsEndpoint() : servers.plainEndpoint();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (TetherClient<byte[], byte[]> exclusive = client(servers, endpoint, tls, threads, 1);
             TetherClient<byte[], byte[]> pipelined = client(servers, endpoint, tls, threads, depth)) {
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double[] rates = new double[2];
                List<TetherClient<byte[], byte[]>> contenders = List.of(exclusive, pipelined);
                for (int k = 0; k < 2; k++) {
                    int which = (round + k) % 2; // who goes first alternates
                    rates[which] = slice(pool, threads, perThread, contenders.get(which));
                }
                if (round > 0) { // round 0 warms both up
                    ratios.add(rates[1] / rates[0]);
                }
                System.out.printf(Locale.ROOT, "round %d: exclusive %.0f, pipelined(depth %d) %.0f calls/s; "
                        + "pipelined/exclusive %.2f%n", round, rates[0], depth, rates[1], rates[1] / rates[0]);
            }
            EndpointStats s = pipelined.stats().get(endpoint);
            System.out.printf(Locale.ROOT, "medians over %d rounds: pipelined/exclusive %.2f (min %.2f, max %.2f); "
                            + "pipelined client: %d connections made, %.1f requests per write%n", ratios.size(),
                    median(ratios), Collections.min(ratios), Collections.max(ratios), s.created(),
                    s.pipelineBatchAverage());
        } finally {
            pool.shutdownNow();
        }
        System.exit(0);
    }

    private static TetherClient<byte[], byte[]> client(EchoServers servers, Endpoint endpoint, boolean tls,
                                                       int threads, int depth) {
        TetherClient.Builder<byte[], byte[]> b = TetherClient.builder(LengthPrefixedCodec.create()).endpoint(endpoint)
                .pool(PoolSettings.builder().maxTotal(threads).maxPerEndpoint(threads).pipelineDepth(depth).build());
        if (tls) {
            b.tls(servers.clientTlsConfig());
        }
        return b.build();
    }

    /** {@code perThread} calls on every thread; returns calls per second. */
    private static double slice(ExecutorService pool, int threads, int perThread, TetherClient<byte[], byte[]> client)
            throws Exception {
        CallOptions options = CallOptions.timeout(CALL_TIMEOUT);
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    byte[] reply = client.call(PooledEchoBenchmark.PAYLOAD, options);
                    if (!Arrays.equals(reply, PooledEchoBenchmark.PAYLOAD)) {
                        throw new IllegalStateException("a reply that is not the echo of its request");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        return threads * (double) perThread / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
