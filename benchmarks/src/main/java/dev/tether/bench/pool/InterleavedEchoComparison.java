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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link PooledEchoBenchmark} comparison run round by round in one process, alternating pooled calls, one
 * JDK socket per thread and one Tether connection per thread: on a machine whose load drifts (a shared CI box),
 * ratios taken within a round are steadier than separate JMH trials. Not a JMH benchmark. Any failed call aborts
 * the run, so a printed figure always counts successful round trips only.
 *
 * <p>Before the counted rounds the three contenders alternate, uncounted, until the JIT is quiet
 * ({@link JitWarmUp}). Each counted round prints the caller threads' CPU per call and the machine's steal time
 * (CPU the hypervisor gave to other guests), which tell a slow contender from a slow machine.
 *
 * <p>Option: {@code -Dbench.only=0|1|2} runs only the pooled client, the own JDK sockets or the own Tether
 * connections (no ratios then), for profiling or counting one contender's system calls.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.InterleavedEchoComparison
 * <threads> <plain|tls> <rounds>}, where {@code rounds} counts the measured rounds (the warm-up is extra).
 */
public final class InterleavedEchoComparison {
    private static final int CALLS_PER_THREAD_PER_SLICE = 1500;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** {@code -Dbench.only=0|1|2}: one contender only (pooled, own JDK socket, own Tether connection). */
    private static final int ONLY = Integer.getInteger("bench.only", -1);

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
            RoundTrip[] contenders = {pooled, jdk, tether};
            if (ONLY >= 0) {
                for (int round = 0; round < rounds; round++) {
                    double rate = slice(pool, threads, contenders[ONLY], new LongAdder());
                    System.out.printf(Locale.ROOT, "round %d: %s only, %.0f ops/s%n", round,
                            new String[] {"pooled", "own socket", "own Tether"}[ONLY], rate);
                }
            } else {
                System.out.println(JitWarmUp.untilQuiet(round -> {
                    for (int k = 0; k < 3; k++) {
                        slice(pool, threads, contenders[(round + k) % 3], new LongAdder());
                    }
                }));
                countedRounds(pool, threads, tls, rounds, contenders);
            }
            dev.tether.pool.EndpointStats s = client.stats().get(endpoint);
            System.out.printf(Locale.ROOT, "pooled client: %d connections made (%d callers)%n", s.created(), threads);
        } finally {
            pool.shutdownNow();
            ownTether.forEach(FramedConnection::close);
        }
        System.exit(0);
    }

    /**
     * The measured rounds after the warm-up: the three contenders in turn, per-round ratios and the caller threads'
     * CPU per call, then the medians.
     */
    private static void countedRounds(ExecutorService pool, int threads, boolean tls, int rounds,
                                      RoundTrip[] contenders) throws Exception {
        List<Double> pooledToJdk = new ArrayList<>();
        List<Double> tetherToJdk = new ArrayList<>();
        List<Double> pooledToTether = new ArrayList<>();
        List<Double> pooledCpuToTether = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // The contender that goes first changes every round: the first slice after a pause runs on colder
            // caches and a sleepier CPU, and always giving that to one contender skewed its ratio by ~10%.
            double[] rates = new double[3];
            double[] cpuPerCall = new double[3];
            long jitMillis = JitWarmUp.compileMillis();
            long[] cpuTicks = MachineTicks.read();
            for (int k = 0; k < 3; k++) {
                int which = (round + k) % 3;
                LongAdder callerCpu = new LongAdder();
                rates[which] = slice(pool, threads, contenders[which], callerCpu);
                cpuPerCall[which] = callerCpu.sum() / 1e3 / (threads * CALLS_PER_THREAD_PER_SLICE);
            }
            double pooledRate = rates[0];
            double jdkRate = rates[1];
            double tetherRate = rates[2];
            pooledToJdk.add(pooledRate / jdkRate);
            tetherToJdk.add(tetherRate / jdkRate);
            pooledToTether.add(pooledRate / tetherRate);
            pooledCpuToTether.add(cpuPerCall[0] / cpuPerCall[2]);
            System.out.printf(Locale.ROOT, "round %d: pooled %.0f, own %s %.0f, own Tether %.0f ops/s; "
                            + "pooled/jdk %.2f tether/jdk %.2f pooled/tether %.2f%n", round, pooledRate,
                    tls ? "SSLSocket" : "Socket", jdkRate, tetherRate, pooledRate / jdkRate,
                    tetherRate / jdkRate, pooledRate / tetherRate);
            // The caller threads' own CPU per call (the in-process server's is the same code for all three):
            // a contender slower at the same CPU per call lost its time waiting, not working.
            System.out.printf(Locale.ROOT, "  caller CPU us per call: pooled %.1f, own %s %.1f, own Tether %.1f;"
                            + " JIT %d ms; steal %s%n", cpuPerCall[0], tls ? "SSLSocket" : "Socket",
                    cpuPerCall[1], cpuPerCall[2], JitWarmUp.compileMillis() - jitMillis,
                    MachineTicks.stealSince(cpuTicks));
        }
        System.out.printf(Locale.ROOT, "medians over %d rounds: pooled/jdk %.2f, tether-own/jdk %.2f, "
                        + "pooled/tether-own %.2f; caller CPU per call pooled/tether-own %.2f%n",
                pooledToJdk.size(), median(pooledToJdk), median(tetherToJdk), median(pooledToTether),
                median(pooledCpuToTether));
    }

    /**
     * Runs {@code roundTrip} on every thread for a fixed number of calls; returns round trips per second and adds
     * the caller threads' CPU time to {@code callerCpu} (nanosecond thread clocks, unlike the process's 10 ms ticks).
     */
    private static double slice(ExecutorService pool, int threads, RoundTrip roundTrip, LongAdder callerCpu)
            throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work.add(pool.submit(() -> {
                long before = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < CALLS_PER_THREAD_PER_SLICE; i++) {
                    roundTrip.run(thread);
                }
                callerCpu.add(cpu.getCurrentThreadCpuTime() - before);
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
