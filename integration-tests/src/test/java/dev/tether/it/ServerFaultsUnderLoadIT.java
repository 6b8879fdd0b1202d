package dev.tether.it;

import static dev.tether.core.codec.RespValue.command;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RedisLedger;
import dev.tether.it.support.RedisOutage;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.StableHostPorts;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.CallOptions;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 6: faults under load, against Redis over mutual TLS published on a host port that survives the
 * faults ({@link StableHostPorts}).
 *
 * <ul>
 *   <li>Stopped and started mid-run: Redis persists every write before answering ({@code appendfsync
 *       always}), so after the run its counters say how often each non-idempotent {@code INCR} really ran.
 *       Every one ran at most once; each that succeeded ran exactly once; each that failed is typed and, if it
 *       says it was not sent, did not run. Idempotent calls made once the server is back all succeed.</li>
 *   <li>Paused (TCP still accepted by the kernel, nothing answered): calls end by their deadlines with a
 *       timeout, and the keep-alive pings remove the idle connections.</li>
 *   <li>Network disconnected and reconnected: calls fail typed and on time while it is away, and succeed
 *       again once it is back.</li>
 * </ul>
 */
@RequiresDocker
class ServerFaultsUnderLoadIT {

    private static final Logger LOG = LoggerFactory.getLogger(ServerFaultsUnderLoadIT.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
    /** How far past its deadline a call may end: scheduling on a loaded 2-core machine, never a second wait. */
    private static final Duration DEADLINE_SLACK = Duration.ofMillis(500);

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf serverCertificate;
    private static Pki.Leaf clientCertificate;

    private GenericContainer<?> redis;
    private Endpoint endpoint;
    private DockerClient docker;

    /** One call as a caller saw it. */
    private record Call(long seq, boolean idempotent, long startNanos, long endNanos, RespValue reply,
                        TetherException error) {
        boolean succeeded() {
            return error == null;
        }

        Duration took() {
            return Duration.ofNanos(endNanos - startNanos);
        }
    }

    @BeforeAll
    static void issueCertificates() throws Exception {
        pki = Pki.create(tempDir, "main");
        serverCertificate = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
    }

    @BeforeEach
    void startRedis() {
        redis = pki.copyInto(TlsServers.redis("redis-faults", pki, serverCertificate,
                "--appendonly", "yes", "--appendfsync", "always"));
        int hostPort = StableHostPorts.bind(redis, TlsServers.TLS_PORT);
        redis.start();
        endpoint = Endpoint.of(redis.getHost(), hostPort).withServerName(TlsServers.SERVER_NAME);
        docker = redis.getDockerClient();
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void restartMidRunNeverRunsANonIdempotentCallTwice() throws Exception {
        Queue<Call> calls = new ConcurrentLinkedQueue<>();
        try (TetherClient<RespValue, RespValue> client = client("restart", PoolSettings.defaults())) {
            try (CallLoad load = CallLoad.start(12, "restart-caller", (caller, seq) -> {
                    boolean idempotent = caller % 2 == 0;
                    RespValue request = idempotent
                            ? command("SET", "idem:" + seq, Long.toString(seq))
                            : command("INCR", "exec:" + seq);
                    record(calls, seq, idempotent, () -> client.call(request,
                            CallOptions.timeout(CALL_TIMEOUT).idempotent(idempotent)));
                })) {

                Awaitility.await("calls before the stop").atMost(Duration.ofSeconds(30))
                        .until(() -> load.succeeded() >= 300);
                long recoveredAt = RedisOutage.restart(docker, redis.getContainerId(), client, CALL_TIMEOUT, 20,
                        since -> count(calls, c -> c.startNanos() > since && !c.succeeded()));
                Awaitility.await("calls after the restart").atMost(Duration.ofSeconds(30))
                        .until(() -> count(calls, c -> c.startNanos() > recoveredAt) >= 300);
                CallLoad.Outcome outcome = load.stop(Duration.ofSeconds(30));

                assertThat(outcome.failures()).as("failures that are not typed Tether exceptions")
                        .allSatisfy(f -> assertThat(f.error()).isInstanceOf(TetherException.class));
                List<Call> all = List.copyOf(calls);
                assertThat(all).filteredOn(c -> c.idempotent() && c.startNanos() > recoveredAt)
                        .as("idempotent calls made once the server was back")
                        .isNotEmpty()
                        .allSatisfy(c -> assertThat(c.error()).as("call %d", c.seq()).isNull());
                assertThat(all).filteredOn(c -> c.idempotent() && c.succeeded())
                        .allSatisfy(c -> assertThat(c.reply().asString()).isEqualTo("OK"));

                List<Call> nonIdempotent = all.stream().filter(c -> !c.idempotent()).toList();
                Map<Long, Long> executions = RedisLedger.executions(client,
                        nonIdempotent.stream().map(Call::seq).toList());
                for (Call c : nonIdempotent) {
                    RedisLedger.assertFateMatches(c.seq(), executions.get(c.seq()), c.reply(), c.error());
                }
                long ranOnServer = executions.values().stream().filter(n -> n == 1).count();
                RespValue keys = client.call(command("KEYS", "exec:*"), CallOptions.defaults().idempotent());
                assertThat(keys.asList()).as("INCR counters on the server, none from an unrecorded call")
                        .hasSize((int) ranOnServer);
                List<Call> failed = nonIdempotent.stream().filter(c -> !c.succeeded()).toList();
                assertThat(failed).as("non-idempotent calls that failed during the outage").isNotEmpty();
                LOG.info("restart: {} calls, {} idempotent failed (all before recovery), {} INCR failed ({} not sent, "
                                + "{} may have been sent of which {} ran); retries {}", all.size(),
                        count(all, c -> c.idempotent() && !c.succeeded()), failed.size(),
                        count(failed, c -> c.error().requestState() == RequestState.NOT_SENT),
                        count(failed, c -> c.error().requestState() == RequestState.MAY_HAVE_BEEN_SENT),
                        count(failed, c -> executions.get(c.seq()) == 1), client.stats().get(endpoint).retries());

                // What the idempotent calls wrote survived the restart.
                Map<Long, Long> written = RedisLedger.values(client, "idem:",
                        all.stream().filter(c -> c.idempotent() && c.succeeded()).map(Call::seq).toList());
                assertThat(written).allSatisfy((seq, value) -> assertThat(value).isEqualTo(seq));
            }
        }
    }

    @Test
    void pausedServerCallsEndByTheirDeadlinesAndKeepAliveRemovesIdleConnections() throws Exception {
        PoolSettings pool = PoolSettings.builder()
                .keepAliveInterval(Duration.ofMillis(300))
                .keepAliveTimeout(Duration.ofMillis(300))
                .maintenanceInterval(Duration.ofMillis(100))
                .build();
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (TetherClient<RespValue, RespValue> client = client("paused", pool)) {
            int warm = 6;
            List<Lease<RespValue, RespValue>> leases = new ArrayList<>();
            for (int i = 0; i < warm; i++) {
                leases.add(client.lease());
            }
            for (Lease<RespValue, RespValue> lease : leases) {
                assertThat(lease.exchange(command("PING")).asString()).isEqualTo("PONG");
                lease.close();
            }
            assertThat(client.stats().get(endpoint).created()).isEqualTo(warm);

            docker.pauseContainerCmd(redis.getContainerId()).exec();
            try {
                List<Future<Call>> paused = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    long seq = i;
                    paused.add(callers.submit(() -> timedCall(client, seq, command("GET", "paused:" + seq))));
                }
                for (Future<Call> f : paused) {
                    assertEndedByDeadline(f.get(10, TimeUnit.SECONDS));
                }

                Awaitility.await("keep-alive removing the idle connections while Redis is paused")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> {
                            EndpointStats s = client.stats().get(endpoint);
                            return s.idle() == 0 && s.active() == 0 && s.destroyed() == warm;
                        });
                EndpointStats stats = client.stats().get(endpoint);
                assertThat(stats.destroyed(DestroyReason.KEEP_ALIVE_FAILED)).as("removed by keep-alive")
                        .isGreaterThanOrEqualTo(warm - paused.size());
                assertThat(stats.destroyed(DestroyReason.KEEP_ALIVE_FAILED) + stats.destroyed(DestroyReason.BROKEN))
                        .isEqualTo(warm);

                // With no connection left, a call has to connect: TCP succeeds, the handshake never finishes.
                assertEndedByDeadline(timedCall(client, 99, command("GET", "paused:new")));
                assertThat(client.stats().get(endpoint).created()).as("connections completed while paused")
                        .isEqualTo(warm);
            } finally {
                docker.unpauseContainerCmd(redis.getContainerId()).exec();
            }
            assertThat(client.call(command("PING"), CallOptions.timeout(Duration.ofSeconds(5))).asString())
                    .isEqualTo("PONG");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void networkDisconnectFailsCallsOnTimeAndReconnectRecovers() throws Exception {
        Queue<Call> calls = new ConcurrentLinkedQueue<>();
        try (TetherClient<RespValue, RespValue> client = client("network", PoolSettings.defaults())) {
            assertThat(client.call(command("SET", "net:key", "value")).asString()).isEqualTo("OK");
            try (CallLoad load = CallLoad.start(6, "network-caller", (caller, seq) ->
                        record(calls, seq, true, () -> client.call(command("GET", "net:key"),
                                CallOptions.timeout(CALL_TIMEOUT).idempotent())))) {

                Awaitility.await("calls before the disconnect").atMost(Duration.ofSeconds(30))
                        .until(() -> load.succeeded() >= 200);
                String network = "bridge";
                long disconnectedAt = System.nanoTime();
                docker.disconnectFromNetworkCmd().withContainerId(redis.getContainerId()).withNetworkId(network).exec();
                Awaitility.await("calls failing while the network is gone").atMost(Duration.ofSeconds(20))
                        .until(() -> count(calls, c -> c.startNanos() > disconnectedAt && !c.succeeded()) >= 12);
                docker.connectToNetworkCmd().withContainerId(redis.getContainerId()).withNetworkId(network).exec();
                long recoveredAt = RedisOutage.awaitAnswers(client, CALL_TIMEOUT);
                Awaitility.await("calls after the reconnect").atMost(Duration.ofSeconds(30))
                        .until(() -> count(calls, c -> c.startNanos() > recoveredAt) >= 200);
                CallLoad.Outcome outcome = load.stop(Duration.ofSeconds(30));

                assertThat(outcome.failures())
                        .allSatisfy(f -> assertThat(f.error()).isInstanceOf(TetherException.class));
                List<Call> all = List.copyOf(calls);
                assertThat(all).as("calls, each ended by its deadline")
                        .allSatisfy(c -> assertThat(c.took()).isLessThanOrEqualTo(CALL_TIMEOUT.plus(DEADLINE_SLACK)));
                assertThat(all).filteredOn(c -> c.startNanos() > recoveredAt).as("calls once the network was back")
                        .isNotEmpty()
                        .allSatisfy(c -> {
                            assertThat(c.error()).as("call %d", c.seq()).isNull();
                            assertThat(c.reply().asString()).isEqualTo("value");
                        });
                LOG.info("network: {} calls, {} failed while disconnected: {}", all.size(),
                        count(all, c -> !c.succeeded()), summarize(all));
            }
        }
    }

    private TetherClient<RespValue, RespValue> client(String name, PoolSettings pool) {
        return TetherClient.builder(RespCodec.create())
                .name(name)
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                .pool(pool)
                .build();
    }

    /**
     * Waits until {@code client} itself gets answers again (with its default breaker and reconnect settings), and
     * returns that moment: from then on the server is back as far as callers can tell.
     */
    @FunctionalInterface
    private interface Exchange {
        RespValue call() throws TetherException;
    }

    private static void record(Queue<Call> calls, long seq, boolean idempotent, Exchange exchange)
            throws TetherException {
        long start = System.nanoTime();
        try {
            RespValue reply = exchange.call();
            calls.add(new Call(seq, idempotent, start, System.nanoTime(), reply, null));
        } catch (TetherException e) {
            calls.add(new Call(seq, idempotent, start, System.nanoTime(), null, e));
            throw e;
        }
    }

    private static Call timedCall(TetherClient<RespValue, RespValue> client, long seq, RespValue request) {
        long start = System.nanoTime();
        try {
            RespValue reply = client.call(request, CallOptions.timeout(CALL_TIMEOUT));
            return new Call(seq, false, start, System.nanoTime(), reply, null);
        } catch (TetherException e) {
            return new Call(seq, false, start, System.nanoTime(), null, e);
        }
    }

    private static void assertEndedByDeadline(Call call) {
        assertThat(call.error()).as("call %d against the paused server", call.seq())
                .isInstanceOf(TimedOutException.class);
        assertThat(call.took()).as("how long call %d took (%s)", call.seq(), call.error())
                .isBetween(CALL_TIMEOUT.minusMillis(50), CALL_TIMEOUT.plus(DEADLINE_SLACK));
    }

    private static long count(java.util.Collection<Call> calls, Predicate<Call> which) {
        return calls.stream().filter(which).count();
    }

    private static Map<String, Long> summarize(List<Call> calls) {
        Map<String, Long> byType = new HashMap<>();
        for (Call c : calls) {
            if (!c.succeeded()) {
                byType.merge(c.error().getClass().getSimpleName() + "/" + c.error().requestState(), 1L, Long::sum);
            }
        }
        return byType;
    }
}
