package dev.tether.bench.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import dev.tether.pool.CallOptions;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
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
 * {@code docker run} and removed at the end, certificates made for the run. Not a JMH benchmark.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.pool.RedisComparison <callers>
 * <rounds> <depth>}
 */
public final class RedisComparison {
    private static final int OPS_PER_SLICE = 24_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
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
        String container = docker("run", "-d", "--rm", "-p", "127.0.0.1::6390", "-v", dir + ":/pki:ro", IMAGE,
                "redis-server", "--port", "0", "--tls-port", "6390",
                "--tls-cert-file", "/pki/" + dir.relativize(certs.serverCertFile()),
                "--tls-key-file", "/pki/" + dir.relativize(certs.serverKeyFile()),
                "--tls-ca-cert-file", "/pki/" + dir.relativize(certs.caFile()),
                "--tls-auth-clients", "yes", "--protected-mode", "no", "--save", "", "--appendonly", "no").trim();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            String mapped = docker("port", container, "6390").lines().findFirst().orElseThrow().trim();
            int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
            Endpoint endpoint = Endpoint.of("localhost", port);
            try (TetherClient<RespValue, RespValue> exclusive = tether(certs, endpoint, callers, 1);
                 TetherClient<RespValue, RespValue> pipelined = tether(certs, endpoint, callers, depth);
                 JedisPool jedis = jedis(certs, port, callers)) {
                awaitRedis(exclusive);
                CallOptions options = CallOptions.timeout(TIMEOUT);
                Work[] contenders = {
                    (t, n) -> tetherOps(exclusive, options, t, n),
                    (t, n) -> tetherOps(pipelined, options, t, n),
                    (t, n) -> jedisOps(jedis, t, n)};
                String[] names = {"tether exclusive", "tether pipelined(depth " + depth + ")", "jedis"};
                List<Double> pipeVsExcl = new ArrayList<>();
                List<Double> pipeVsJedis = new ArrayList<>();
                List<Double> exclVsJedis = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    double[] rates = new double[3];
                    for (int k = 0; k < 3; k++) {
                        int which = (round + k) % 3; // who goes first rotates
                        rates[which] = slice(pool, callers, perThread, contenders[which]);
                    }
                    if (round > 0) { // round 0 warms all three up
                        pipeVsExcl.add(rates[1] / rates[0]);
                        pipeVsJedis.add(rates[1] / rates[2]);
                        exclVsJedis.add(rates[0] / rates[2]);
                    }
                    System.out.printf(Locale.ROOT, "round %d: %s %.0f, %s %.0f, %s %.0f ops/s; pipelined/exclusive "
                                    + "%.2f pipelined/jedis %.2f exclusive/jedis %.2f%n", round, names[0], rates[0],
                            names[1], rates[1], names[2], rates[2], rates[1] / rates[0], rates[1] / rates[2],
                            rates[0] / rates[2]);
                }
                EndpointStats s = pipelined.stats().get(endpoint);
                System.out.printf(Locale.ROOT, "medians over %d rounds, %d callers: pipelined/exclusive %.2f, "
                                + "pipelined/jedis %.2f, exclusive/jedis %.2f; pipelined client: %d connections "
                                + "made, %.1f requests per write%n", pipeVsExcl.size(), callers, median(pipeVsExcl),
                        median(pipeVsJedis), median(exclVsJedis), s.created(), s.pipelineBatchAverage());
            }
        } finally {
            pool.shutdownNow();
            docker("rm", "-f", container);
        }
        System.exit(0);
    }

    private static TetherClient<RespValue, RespValue> tether(CertSet certs, Endpoint endpoint, int callers,
                                                             int depth) {
        return TetherClient.builder(RespCodec.create()).endpoint(endpoint)
                .tls(certs.mutualClientConfig().build())
                .pool(PoolSettings.builder().maxTotal(callers).maxPerEndpoint(callers).pipelineDepth(depth).build())
                .build();
    }

    private static JedisPool jedis(CertSet certs, int port, int callers) throws Exception {
        SSLParameters params = new SSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // verify the host name, as Tether does by default
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(callers);
        poolConfig.setMaxIdle(callers);
        return new JedisPool(poolConfig, new HostAndPort("localhost", port), DefaultJedisClientConfig.builder()
                .ssl(true).sslSocketFactory(jdkContext(certs).getSocketFactory()).sslParameters(params)
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
        for (Future<?> f : futures) {
            f.get();
        }
        return threads * (double) perThread / ((System.nanoTime() - start) / 1e9);
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

    /** The client certificate and the test CA as a JDK {@link SSLContext}, for Jedis. */
    private static SSLContext jdkContext(CertSet certs) throws IOException, GeneralSecurityException {
        HeldCertificate client = certs.client();
        char[] password = "bench".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.privateKey(), password,
                List.of(client.certificate(), certs.ca().certificate()).toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certs.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
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
