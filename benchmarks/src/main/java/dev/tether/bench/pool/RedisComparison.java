package dev.tether.bench.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import dev.tether.pool.CallOptions;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.testing.CertSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * Redis over mutual TLS, round by round in one process: Tether with exclusive calls (the default), Tether with
 * {@code pipelineDepth(depth)}, and Jedis with a {@link JedisPool} sized to the callers (a connection borrowed per
 * command). Each caller SETs a 64-byte value under its own key and GETs it back, checking it; one operation is
 * one command. Redis 7 runs in the integration tests' image ({@code tether-it:bookworm}), started here with
 * {@code docker run} and removed at the end, certificates made for the run and its address; clients connect to
 * the container's bridge address. Each slice prints the client's and redis-server's CPU per operation and the
 * client's context switches per operation, and the time the JIT spent compiling during the round. The counted
 * rounds start once the JIT is quiet ({@link JitWarmUp}). Not a JMH benchmark.
 *
 * <p>Options: {@code -Dbench.virtual=true} (JDK 21+) runs the callers on virtual threads;
 * {@code -Dbench.only=0|1|2} runs only Tether exclusive, Tether pipelined or Jedis, for profiling one.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.RedisComparison <callers>
 * <rounds> <depth>}, where {@code rounds} counts the measured rounds (the warm-up is extra).
 */
public final class RedisComparison {
    private static final int OPS_PER_SLICE = 24_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** {@code -Dbench.only=0|1|2}: run one contender only (exclusive, pipelined, Jedis), for profiling it. */
    private static final int ONLY = Integer.getInteger("bench.only", -1);
    private static final String IMAGE = System.getProperty("tether.it.image", "tether-it:bookworm");

    /** One contender: {@code ops} SET/GET commands from caller {@code thread}. */
    @FunctionalInterface
    private interface Work {
        void run(int thread, int ops) throws Exception;
    }

    private RedisComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: RedisComparison <callers> <rounds> <depth>");
        }
        int callers = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int depth = Integer.parseInt(args[2]);
        int perThread = Math.max(2, OPS_PER_SLICE / callers / 2 * 2);

        Path dir = Files.createTempDirectory("tether-bench-redis");
        CertSet certs = CertSet.create(dir);
        // Clients connect to the container's own address on Docker's bridge, not to a published port: on this
        // host a published port is served by docker-proxy, a user-space copy between two sockets that adds two
        // system calls and a thread wake-up per message each way (a production client talks to Redis directly).
        // The address is known only once the container runs, so Redis waits for its certificate (issued for that
        // address, so host names are verified as usual) before it starts.
        String container = docker("run", "-d", "--rm", "-v", dir + ":/pki:ro", IMAGE, "sh", "-c",
                "while [ ! -f /pki/ready ]; do sleep 0.1; done; exec redis-server --port 0 --tls-port 6390"
                        + " --tls-cert-file /pki/redis.pem --tls-key-file /pki/redis.key"
                        + " --tls-ca-cert-file /pki/" + dir.relativize(certs.caFile())
                        + " --tls-auth-clients yes --protected-mode no --save '' --appendonly no").trim();
        ExecutorService pool = callerThreads(callers);
        try {
            String address = docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
                    container).trim();
            certs.issueServer("redis", b -> b.addIpAddress(address));
            Files.writeString(dir.resolve("ready"), "");
            int port = 6390;
            Endpoint endpoint = Endpoint.of(address, port);
            try (TetherClient<RespValue, RespValue> exclusive = tether(certs, endpoint, callers, 1);
                 TetherClient<RespValue, RespValue> pipelined = tether(certs, endpoint, callers, depth);
                 JedisPool jedis = jedis(certs, address, port, callers)) {
                awaitRedis(exclusive);
                CallOptions options = CallOptions.timeout(TIMEOUT);
                Work[] contenders = {
                    (t, n) -> tetherOps(exclusive, options, t, n),
                    (t, n) -> tetherOps(pipelined, options, t, n),
                    (t, n) -> jedisOps(jedis, t, n)};
                String[] names = {"tether exclusive", "tether pipelined(depth " + depth + ")", "jedis"};
                ServerCpu serverCpu = ServerCpu.of(docker("inspect", "-f", "{{.State.Pid}}", container).trim());
                List<Double> pipeVsExcl = new ArrayList<>();
                List<Double> pipeVsJedis = new ArrayList<>();
                List<Double> exclVsJedis = new ArrayList<>();
                System.out.println(JitWarmUp.untilQuiet(round -> {
                    for (int k = 0; k < 3; k++) {
                        int which = (round + k) % 3;
                        if (ONLY < 0 || which == ONLY) {
                            slice(pool, callers, perThread, contenders[which]);
                        }
                    }
                }));
                for (int round = 0; round < rounds; round++) {
                    long jitMillis = JitWarmUp.compileMillis();
                    double[] rates = new double[3];
                    StringBuilder cpu = new StringBuilder();
                    for (int k = 0; k < 3; k++) {
                        int which = (round + k) % 3; // who goes first rotates
                        if (ONLY >= 0 && which != ONLY) {
                            rates[which] = Double.NaN;
                            continue;
                        }
                        long clientCpu = processCpuNanos();
                        long switches = contextSwitches();
                        long redisCpu = serverCpu.nanos();
                        long ops = (long) callers * perThread;
                        rates[which] = slice(pool, callers, perThread, contenders[which]);
                        cpu.append(String.format(Locale.ROOT, " %s %.1f/%.1f (%.1f switches)", names[which],
                                (processCpuNanos() - clientCpu) / 1e3 / ops, (serverCpu.nanos() - redisCpu) / 1e3 / ops,
                                (contextSwitches() - switches) / (double) ops));
                    }
                    System.out.println("  CPU us per op, client/redis:" + cpu + "; JIT "
                            + (JitWarmUp.compileMillis() - jitMillis) + " ms");
                    pipeVsExcl.add(rates[1] / rates[0]);
                    pipeVsJedis.add(rates[1] / rates[2]);
                    exclVsJedis.add(rates[0] / rates[2]);
                    System.out.printf(Locale.ROOT, "round %d: %s %.0f, %s %.0f, %s %.0f ops/s; pipelined/exclusive "
                                    + "%.2f pipelined/jedis %.2f exclusive/jedis %.2f%n", round, names[0], rates[0],
                            names[1], rates[1], names[2], rates[2], rates[1] / rates[0], rates[1] / rates[2],
                            rates[0] / rates[2]);
                }
                EndpointStats s = pipelined.stats().get(endpoint);
                System.out.printf(Locale.ROOT, "medians over %d rounds, %d callers: pipelined/exclusive %.2f, "
                                + "pipelined/jedis %.2f, exclusive/jedis %.2f; pipelined client: %d connections "
                                + "made (%s), %.1f requests per write%n", pipeVsExcl.size(), callers,
                        median(pipeVsExcl), median(pipeVsJedis), median(exclVsJedis), s.created(),
                        destroyedByReason(s), s.pipelineBatchAverage());
            }
        } finally {
            pool.shutdownNow();
            docker("rm", "-f", container);
        }
        System.exit(0);
    }

    /** Why connections were closed, e.g. "2 destroyed: IDLE 2"; a connection made per round would show here. */
    private static String destroyedByReason(EndpointStats s) {
        StringJoiner reasons = new StringJoiner(", ", s.destroyed() + " destroyed: ", "");
        reasons.setEmptyValue(s.destroyed() + " destroyed");
        s.destroyedByReason().forEach((reason, n) -> {
            if (n > 0) {
                reasons.add(reason + " " + n);
            }
        });
        return reasons.toString();
    }

    private static TetherClient<RespValue, RespValue> tether(CertSet certs, Endpoint endpoint, int callers,
                                                             int depth) {
        return TetherClient.builder(RespCodec.create()).endpoint(endpoint)
                .tls(certs.mutualClientConfig().build())
                .pool(PoolSettings.builder().maxTotal(callers).maxPerEndpoint(callers).pipelineDepth(depth).build())
                .build();
    }

    private static JedisPool jedis(CertSet certs, String address, int port, int callers) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // verify the host name, as Tether does by default
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(callers);
        poolConfig.setMaxIdle(callers);
        return new JedisPool(poolConfig, new HostAndPort(address, port), DefaultJedisClientConfig.builder()
                .ssl(true).sslSocketFactory(EchoServers.jdkClientContext(certs).getSocketFactory()).sslParameters(params)
                .timeoutMillis((int) TIMEOUT.toMillis()).build());
    }

    private static void tetherOps(TetherClient<RespValue, RespValue> client, CallOptions options, int thread, int ops)
            throws Exception {
        String key = "bench:" + thread;
        for (int i = 0; i < ops; i += 2) {
            String value = value(thread, i);
            client.call(RespValue.command("SET", key, value), options);
            String read = client.call(RespValue.command("GET", key), options.idempotent()).asString();
            if (!value.equals(read)) {
                throw new IllegalStateException("GET " + key + " returned another value");
            }
        }
    }

    private static void jedisOps(JedisPool pool, int thread, int ops) {
        String key = "bench:" + thread;
        for (int i = 0; i < ops; i += 2) {
            String value = value(thread, i);
            try (Jedis j = pool.getResource()) {
                j.set(key, value);
            }
            String read;
            try (Jedis j = pool.getResource()) {
                read = j.get(key);
            }
            if (!value.equals(read)) {
                throw new IllegalStateException("GET " + key + " returned another value");
            }
        }
    }

    /** 64 bytes naming the caller and the operation. */
    private static String value(int thread, int i) {
        String head = thread + ":" + i + ":";
        return head + "x".repeat(64 - head.length());
    }

    private static double slice(ExecutorService pool, int threads, int perThread, Work work) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                work.run(thread, perThread);
                return null;
            }));
        }
        // Every caller's outcome, not only the first failure: when one fails, the others' failures (and when they
        // came) tell a stall from a single bad call.
        Map<String, Integer> failures = new TreeMap<>();
        ExecutionException first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                first = first != null ? first : e;
                String what = String.valueOf(e.getCause());
                failures.merge(what.length() > 600 ? what.substring(0, 600) : what, 1, Integer::sum);
            }
        }
        if (first != null) {
            failures.forEach((what, n) -> System.out.println(n + " caller(s) failed: " + what));
            throw first;
        }
        return threads * (double) perThread / ((System.nanoTime() - start) / 1e9);
    }

    /** Context switches of this process's threads so far (voluntary and not), from /proc. */
    private static long contextSwitches() {
        long n = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.endsWith("ctxt_switches:") || line.contains("ctxt_switches:")) {
                            n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    /**
     * The callers' threads: platform threads, or with {@code -Dbench.virtual=true} (JDK 21+) a virtual thread per
     * caller, where a caller waiting for its reply parks its continuation instead of an OS thread.
     */
    private static ExecutorService callerThreads(int callers) throws ReflectiveOperationException {
        if (Boolean.getBoolean("bench.virtual")) {
            // Reflection: this module compiles for Java 17, which has no virtual threads.
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }
        return Executors.newFixedThreadPool(callers);
    }

    /** CPU time this process used so far (all threads). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time redis-server used so far, from /proc (10 ms ticks). */
    private record ServerCpu(String pid) {
        /** The redis-server under the container's init process ({@code pid}): its only child. */
        static ServerCpu of(String initPid) throws IOException {
            String children = Files.readString(Path.of("/proc", initPid, "task", initPid, "children")).trim();
            return new ServerCpu(children.isEmpty() ? initPid : children.split(" ")[0]);
        }

        long nanos() {
            try {
                String stat = Files.readString(Path.of("/proc", pid, "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command name.
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
            } catch (IOException e) {
                return 0;
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void awaitRedis(TetherClient<RespValue, RespValue> client) throws InterruptedException {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                if ("PONG".equals(client.call(RespValue.command("PING"),
                        CallOptions.timeout(Duration.ofSeconds(2)).failFast()).asString())) {
                    return;
                }
            } catch (Exception e) {
                if (System.nanoTime() - giveUp > 0) {
                    throw new IllegalStateException("Redis did not answer within 30s", e);
                }
            }
            Thread.sleep(100);
        }
    }

    private static String docker(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("docker");
        Collections.addAll(command, args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
