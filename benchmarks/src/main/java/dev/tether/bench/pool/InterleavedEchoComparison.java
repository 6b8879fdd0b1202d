package dev.tether.bench.pool;

import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.TlsConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The {@link PooledEchoBenchmark} comparison run round by round in one process, alternating pooled calls, one
 * JDK socket per thread and one Tether connection per thread: on a machine whose load drifts (a shared CI box),
 * ratios taken within a round are steadier than separate JMH trials. Not a JMH benchmark. Any failed call aborts
 * the run, so a printed figure always counts successful round trips only.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.InterleavedEchoComparison
 * <threads> <plain|tls> <rounds>}
 */
public final class InterleavedEchoComparison {
    private static final int CALLS_PER_THREAD_PER_SLICE = 1500;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    /** One way of making a 64-byte round trip from caller thread {@code thread}. */
    @FunctionalInterface
    private interface RoundTrip {
        void run(int thread) throws Exception;
    }

    private InterleavedEchoComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[1].equals("plain") || args[1].equals("tls"))) {
            throw new IllegalArgumentException("usage: InterleavedEchoComparison <threads> <plain|tls> <rounds>");
        }
        int threads = Integer.parseInt(args[0]);
        boolean tls = args[1].equals("tls");
        int rounds = Integer.parseInt(args[2]);

        EchoServers servers = new EchoServers();
        Endpoint endpoint = tls ? servers.tlsEndpoint() : servers.plainEndpoint();
        TetherClient.Builder<byte[], byte[]> builder = TetherClient.builder(LengthPrefixedCodec.create())
                .endpoint(endpoint)
                .pool(PoolSettings.builder().maxTotal(128).maxPerEndpoint(128).build());
        if (tls) {
            builder.tls(servers.clientTlsConfig());
        }
        PooledEchoBenchmark.Setting setting = new PooledEchoBenchmark.Setting();
        setting.transport = args[1];
        setting.servers = servers;
        List<PooledEchoBenchmark.OwnSocket> ownSockets = new ArrayList<>();
        List<FramedConnection<byte[], byte[]>> ownTether = new ArrayList<>();
        Connector plain = SocketConnector.create();
        Connector connector = tls ? new TlsConnector(plain, servers.clientTlsConfig()) : plain;
        for (int i = 0; i < threads; i++) {
            PooledEchoBenchmark.OwnSocket socket = new PooledEchoBenchmark.OwnSocket();
            socket.open(setting);
            ownSockets.add(socket);
            ownTether.add(new FramedConnection<>(connector.connect(endpoint, Deadline.after(Duration.ofSeconds(5))),
                    LengthPrefixedCodec.create()));
        }

        byte[] payload = PooledEchoBenchmark.PAYLOAD;
        CallOptions options = CallOptions.timeout(CALL_TIMEOUT);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (TetherClient<byte[], byte[]> client = builder.build()) {
            RoundTrip pooled = t -> client.call(payload, options);
            RoundTrip jdk = t -> ownSockets.get(t).roundTrip();
            RoundTrip tether = t -> ownTether.get(t).exchange(payload, Deadline.after(CALL_TIMEOUT));
            List<Double> pooledToJdk = new ArrayList<>();
            List<Double> tetherToJdk = new ArrayList<>();
            List<Double> pooledToTether = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // The contender that goes first changes every round: the first slice after a pause runs on colder
                // caches and a sleepier CPU, and always giving that to one contender skewed its ratio by ~10%.
                double[] rates = new double[3];
                RoundTrip[] contenders = {pooled, jdk, tether};
                for (int k = 0; k < 3; k++) {
                    int which = (round + k) % 3;
                    rates[which] = slice(pool, threads, contenders[which]);
                }
                double pooledRate = rates[0];
                double jdkRate = rates[1];
                double tetherRate = rates[2];
                // Round 0 is warm-up for all three.
                if (round > 0) {
                    pooledToJdk.add(pooledRate / jdkRate);
                    tetherToJdk.add(tetherRate / jdkRate);
                    pooledToTether.add(pooledRate / tetherRate);
                }
                System.out.printf(Locale.ROOT, "round %d: pooled %.0f, own %s %.0f, own Tether %.0f ops/s; "
                                + "pooled/jdk %.2f tether/jdk %.2f pooled/tether %.2f%n", round, pooledRate,
                        tls ? "SSLSocket" : "Socket", jdkRate, tetherRate, pooledRate / jdkRate,
                        tetherRate / jdkRate, pooledRate / tetherRate);
            }
            System.out.printf(Locale.ROOT, "medians over %d rounds: pooled/jdk %.2f, tether-own/jdk %.2f, "
                            + "pooled/tether-own %.2f%n", pooledToJdk.size(), median(pooledToJdk),
                    median(tetherToJdk), median(pooledToTether));
            dev.tether.pool.EndpointStats s = client.stats().get(endpoint);
            System.out.printf(Locale.ROOT, "pooled client: %d connections made (%d callers)%n", s.created(), threads);
        } finally {
            pool.shutdownNow();
            ownTether.forEach(FramedConnection::close);
        }
        System.exit(0);
    }

    /** Runs {@code roundTrip} on every thread for a fixed number of calls; returns round trips per second. */
    private static double slice(ExecutorService pool, int threads, RoundTrip roundTrip) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                for (int i = 0; i < CALLS_PER_THREAD_PER_SLICE; i++) {
                    roundTrip.run(thread);
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        return threads * (double) CALLS_PER_THREAD_PER_SLICE / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
