package dev.tether.it;

import static dev.tether.core.codec.RespValue.command;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
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
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Pipelining against a real Redis over mutual TLS: 32 callers share a few connections
 * ({@code pipelineDepth(16)}) with SET, GET and (non-idempotent) INCR while Redis is stopped and started. Redis
 * persists every write before answering ({@code appendfsync always}), so its counters say how often each INCR
 * really ran: at most once; exactly once when it succeeded; never when it failed as not sent. Every GET reads back
 * what its caller's SET wrote (a reply matched to the wrong caller would show), and idempotent calls made once
 * Redis is back all succeed.
 */
@RequiresDocker
class RedisPipeliningRestartIT {
    private static final Logger LOG = LoggerFactory.getLogger(RedisPipeliningRestartIT.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
    private static final int CALLERS = 32;

    @TempDir
    Path tempDir;

    private Pki pki;
    private Pki.Leaf clientCertificate;
    private GenericContainer<?> redis;
    private Endpoint endpoint;
    private DockerClient docker;

    /** One call as a caller saw it. */
    private record Call(long seq, boolean idempotent, long startNanos, RespValue reply, TetherException error) {
        boolean succeeded() {
            return error == null;
        }
    }

    @BeforeEach
    void startRedis() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf serverCertificate = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
        redis = pki.copyInto(TlsServers.redis("redis-pipelining", pki, serverCertificate,
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
    void pipelinedSetGetIncrSurviveARestartWithExactFates() throws Exception {
        Queue<Call> calls = new ConcurrentLinkedQueue<>();
        // Pipelining is the scenario under test (off by default): 16 requests in flight per connection.
        try (TetherClient<RespValue, RespValue> client = TetherClient.builder(RespCodec.create())
                .name("pipelined")
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                .pool(PoolSettings.builder().pipelineDepth(16).build())
                .build()) {
            try (CallLoad load = CallLoad.start(CALLERS, "pipelined-caller", (caller, seq) -> {
                    if (caller % 2 == 0) {
                        CallOptions idempotent = CallOptions.timeout(CALL_TIMEOUT).idempotent();
                        String key = "idem:" + seq;
                        record(calls, seq, true,
                                () -> client.call(command("SET", key, Long.toString(seq)), idempotent));
                        record(calls, seq, true, () -> {
                            RespValue read = client.call(command("GET", key), idempotent);
                            if (!read.isNull() && !Long.toString(seq).equals(read.asString())) {
                                throw new AssertionError(
                                        "GET " + key + " returned " + read + ": another caller's reply");
                            }
                            return read;
                        });
                    } else {
                        record(calls, seq, false, () -> client.call(command("INCR", "exec:" + seq),
                                CallOptions.timeout(CALL_TIMEOUT)));
                    }
                })) {

                Awaitility.await("calls before the stop").atMost(Duration.ofSeconds(30))
                        .until(() -> load.succeeded() >= 2000);
                long recoveredAt = RedisOutage.restart(docker, redis.getContainerId(), client, CALL_TIMEOUT, 20,
                        since -> count(calls, c -> c.startNanos() > since && !c.succeeded()));
                Awaitility.await("calls after the restart").atMost(Duration.ofSeconds(30))
                        .until(() -> count(calls, c -> c.startNanos() > recoveredAt && c.succeeded()) >= 2000);
                CallLoad.Outcome outcome = load.stop(Duration.ofSeconds(30));

                assertThat(outcome.failures()).as("failures that are not typed Tether exceptions")
                        .allSatisfy(f -> assertThat(f.error()).isInstanceOf(TetherException.class));
                List<Call> all = List.copyOf(calls);
                assertThat(all).filteredOn(c -> c.idempotent() && c.startNanos() > recoveredAt)
                        .as("idempotent calls made once Redis was back").isNotEmpty()
                        .allSatisfy(c -> assertThat(c.error()).as("call %d", c.seq()).isNull());

                List<Call> nonIdempotent = all.stream().filter(c -> !c.idempotent()).toList();
                Map<Long, Long> executions = RedisLedger.executions(client,
                        nonIdempotent.stream().map(Call::seq).toList());
                for (Call c : nonIdempotent) {
                    RedisLedger.assertFateMatches(c.seq(), executions.get(c.seq()), c.reply(), c.error());
                }
                EndpointStats s = client.stats().get(endpoint);
                List<Call> failed = nonIdempotent.stream().filter(c -> !c.succeeded()).toList();
                LOG.info("pipelined restart: {} calls, {} INCR failed ({} not sent, {} may have been sent of which {} "
                                + "ran); {} connections made, {} requests in {} writes ({} per write), retries {}",
                        all.size(), failed.size(),
                        count(failed, c -> c.error().requestState() == RequestState.NOT_SENT),
                        count(failed, c -> c.error().requestState() == RequestState.MAY_HAVE_BEEN_SENT),
                        count(failed, c -> executions.get(c.seq()) == 1), s.created(), s.pipelinedRequests(),
                        s.pipelineWrites(), String.format("%.1f", s.pipelineBatchAverage()), s.retries());
                assertThat(s.pipelinedRequests()).as("calls went over shared connections").isPositive();
                assertThat(s.created()).as("connections, far fewer than callers would need unshared")
                        .isLessThan(CALLERS * 4L);
            }
        }
    }

    private interface Exchange {
        RespValue call() throws TetherException;
    }

    private static void record(Queue<Call> calls, long seq, boolean idempotent, Exchange exchange)
            throws TetherException {
        long start = System.nanoTime();
        try {
            calls.add(new Call(seq, idempotent, start, exchange.call(), null));
        } catch (TetherException e) {
            calls.add(new Call(seq, idempotent, start, null, e));
            throw e;
        }
    }

    private static long count(java.util.Collection<Call> calls, Predicate<Call> which) {
        return calls.stream().filter(which).count();
    }
}
