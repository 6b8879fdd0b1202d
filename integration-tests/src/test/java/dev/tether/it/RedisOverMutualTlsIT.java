package dev.tether.it;

import static dev.tether.core.codec.RespValue.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.CallOptions;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 5: Redis 7 serving only TLS ({@code --port 0 --tls-port}) with client certificates required
 * ({@code --tls-auth-clients yes}), used through {@link TetherClient} and the RESP codec: SET, GET, INCR and
 * DEL from concurrent callers with binary values read back and compared, and the pool's keep-alive
 * {@code PING} seen by Redis itself on a pool that sits idle.
 */
@RequiresDocker
class RedisOverMutualTlsIT {

    private static final Pattern PING_CALLS = Pattern.compile("cmdstat_ping:calls=(\\d+)");

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf clientCertificate;
    private static GenericContainer<?> redis;

    @BeforeAll
    static void startRedis() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
        redis = pki.copyInto(TlsServers.redis("redis", pki, server)).withExposedPorts(TlsServers.TLS_PORT);
        redis.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void setGetIncrDelReadBackWhatWasWritten() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(redis);
        int callers = 8;
        int keys = 400;
        try (TetherClient<RespValue, RespValue> client = TetherClient.builder(RespCodec.create())
                .name("redis")
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                .build()) {

            CallLoad.Outcome outcome = CallLoad.run(callers, keys, Duration.ofMinutes(1), (caller, seq) -> {
                String key = "it:key:" + seq;
                byte[] value = value(seq);
                expect(client.call(command("SET".getBytes(StandardCharsets.US_ASCII),
                        key.getBytes(StandardCharsets.US_ASCII), value)).asString(), "OK", key);
                byte[] read = client.call(command("GET", key), CallOptions.defaults().idempotent()).asBytes();
                if (!java.util.Arrays.equals(value, read)) {
                    throw new AssertionError("GET " + key + " returned other bytes than SET stored");
                }
                long counted = client.call(command("INCR", "it:counter")).asLong();
                if (counted < 1 || counted > keys) {
                    throw new AssertionError("INCR returned " + counted);
                }
                expect(client.call(command("DEL", key)).asLong(), 1L, "DEL " + key);
                RespValue gone = client.call(command("GET", key));
                if (!gone.isNull()) {
                    throw new AssertionError("GET " + key + " after DEL returned " + gone);
                }
                expect(client.call(command("EXISTS", key)).asLong(), 0L, "EXISTS " + key);
            });

            assertThat(outcome.failures()).isEmpty();
            assertThat(client.call(command("GET", "it:counter")).asLong())
                    .as("one INCR per key, none lost or doubled").isEqualTo(keys);
            assertThat(client.call(command("DBSIZE")).asLong()).as("keys left after DEL").isEqualTo(1);
            RespValue error = client.call(command("INCR", "it:counter", "extra"));
            assertThat(error.isError()).as("a Redis error reply is a reply, not a failure").isTrue();
            assertThat(error.toString()).contains("wrong number of arguments");
        }
    }

    @Test
    void idlePoolIsKeptAliveWithPingsRedisCounts() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(redis);
        try (TetherClient<RespValue, RespValue> client = TetherClient.builder(RespCodec.create())
                .name("redis-idle")
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                // Short keep-alive timings so the test sees pings within seconds. One connection at most: a call
                // that lands while maintenance is pinging the idle connection waits for it (a few milliseconds)
                // rather than opening a second one, so the reuse asserted below cannot race the pings.
                .pool(PoolSettings.builder()
                        .maxPerEndpoint(1)
                        .keepAliveInterval(Duration.ofMillis(300))
                        .keepAliveTimeout(Duration.ofMillis(300))
                        .maintenanceInterval(Duration.ofMillis(100))
                        .build())
                .build()) {
            assertThat(client.call(command("SET", "it:idle", "kept")).asString()).isEqualTo("OK");
            long pingsBefore = pingCalls();

            // No calls from here on: only the pool's own pings reach Redis.
            Awaitility.await("Redis counting the idle pool's keep-alive PINGs")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> pingCalls() >= pingsBefore + 5);

            ExecResult clients = redis.execInContainer(TlsServers.redisCli(pki, clientCertificate, "CLIENT", "LIST"));
            assertThat(clients.getStdout()).as("Redis's client list").containsPattern("cmd=ping\\b");
            EndpointStats stats = client.stats().get(endpoint);
            assertThat(stats.created()).as("the one connection was kept, not replaced").isEqualTo(1);
            assertThat(stats.destroyed()).isZero();
            assertThat(stats.idle()).isEqualTo(1);
            assertThat(client.call(command("GET", "it:idle")).asString()).isEqualTo("kept");
            assertThat(client.stats().get(endpoint).reuses()).isEqualTo(1);
        }
    }

    private static long pingCalls() throws Exception {
        ExecResult info = redis.execInContainer(TlsServers.redisCli(pki, clientCertificate, "INFO", "commandstats"));
        if (info.getExitCode() != 0) {
            throw new IllegalStateException("redis-cli failed: " + info.getStderr());
        }
        Matcher m = PING_CALLS.matcher(info.getStdout());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Binary values, CR and LF included, so a framing slip would show. */
    private static byte[] value(long seq) {
        SplittableRandom random = new SplittableRandom(seq);
        byte[] value = new byte[1 + random.nextInt(seq % 50 == 0 ? 100_000 : 300)];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) random.nextInt(256);
        }
        value[0] = '\r';
        value[value.length - 1] = '\n';
        return value;
    }

    private static void expect(Object actual, Object expected, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + " but got " + actual);
        }
    }
}
