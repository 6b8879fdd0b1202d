package dev.tether.bench.pool;

import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.jfr.Recording;

/**
 * What Tether's JFR events cost: pooled plain-TCP echo calls (default settings) alternated round by round with no
 * recording and with a recording that takes every Tether event (dev.tether.*, no threshold). Each call emits an
 * Acquire and a Call event. With no recording the events stop at {@code shouldCommit()}; the ratio bounds that
 * cost from above. Not a JMH benchmark; any failed call aborts the run.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.JfrCostComparison <threads> <rounds>}
 */
public final class JfrCostComparison {
    private static final int CALLS_PER_THREAD_PER_SLICE = 3000;
    private static final List<String> EVENTS = List.of("dev.tether.Connect", "dev.tether.TlsHandshake",
            "dev.tether.Acquire", "dev.tether.Call", "dev.tether.ConnectionDestroyed");

    private JfrCostComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: JfrCostComparison <threads> <rounds>");
        }
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        EchoServers servers = new EchoServers();
        byte[] payload = PooledEchoBenchmark.PAYLOAD;
        CallOptions options = CallOptions.timeout(Duration.ofSeconds(10));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Double> ratios = new ArrayList<>();
        try (TetherClient<byte[], byte[]> client = TetherClient.builder(LengthPrefixedCodec.create())
                .endpoint(servers.plainEndpoint()).build()) {
            for (int round = 0; round < rounds; round++) {
                double off = slice(pool, threads, client, payload, options);
                double on;
                try (Recording recording = new Recording()) {
                    EVENTS.forEach(name -> recording.enable(name).withThreshold(Duration.ZERO));
                    recording.start();
                    on = slice(pool, threads, client, payload, options);
                    recording.stop();
                }
                // Round 0 warms both up.
                if (round > 0) {
                    ratios.add(on / off);
                }
                System.out.printf(Locale.ROOT, "round %d: no recording %.0f calls/s, recording Tether events %.0f"
                        + " calls/s; recording/none %.3f%n", round, off, on, on / off);
            }
        } finally {
            pool.shutdownNow();
            servers.close();
        }
        Collections.sort(ratios);
        System.out.printf(Locale.ROOT, "median over %d rounds: recording/none %.3f (min %.3f, max %.3f)%n",
                ratios.size(), ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1));
        System.exit(0);
    }

    private static double slice(ExecutorService pool, int threads, TetherClient<byte[], byte[]> client,
                                byte[] payload, CallOptions options) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            work.add(pool.submit(() -> {
                for (int i = 0; i < CALLS_PER_THREAD_PER_SLICE; i++) {
                    client.call(payload, options);
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        return threads * (double) CALLS_PER_THREAD_PER_SLICE / ((System.nanoTime() - start) / 1e9);
    }
}
