package dev.tether.it;

import static dev.tether.core.codec.RespValue.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.dockerjava.api.DockerClient;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespValue;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TestImage;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.AddressFamily;
import dev.tether.pool.CallOptions;
import dev.tether.pool.DnsEndpointSource;
import dev.tether.pool.DnsLookupException;
import dev.tether.pool.EndpointSourceStatus;
import dev.tether.pool.SrvEndpointSource;
import dev.tether.pool.TetherClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Issue 16's DNS scenario: a real DNS server (dnsmasq, in a container) whose records the test changes while 16
 * callers run through a client that takes its endpoints from {@link DnsEndpointSource} (direct queries to that
 * server), in front of three Redis-over-mutual-TLS backends. The name scales from 2 to 3 to 1 addresses.
 *
 * <ul>
 *   <li>Scale-out: traffic reaches the new address within one refresh interval (plus its first handshake).</li>
 *   <li>Scale-in: once the client has dropped the removed addresses, no call starts on them; they are stopped
 *       only after that, as a Kubernetes preStop delay would hold them.</li>
 *   <li>Throughout: zero failed idempotent calls, and no non-idempotent call ran twice (Redis persists each
 *       {@code INCR} before answering; every backend's counters are read after the run, the stopped ones after
 *       a restart).</li>
 * </ul>
 *
 * <p>The client connects to the backends' container addresses on the Docker bridge, which is what dnsmasq
 * answers with; each endpoint carries the DNS name as its TLS server name, which the backends' certificate holds.
 * Every figure (time to pick up a new address, calls failed during scale-in) is logged.
 */
@RequiresDocker
class DnsEndpointChangesUnderLoadIT {

    private static final Logger LOG = LoggerFactory.getLogger(DnsEndpointChangesUnderLoadIT.class);

    /** The name the backends are found by. */
    private static final String NAME = "backends.tether.test";
    private static final String SRV_NAME = "_redis._tcp.tether.test";
    private static final String HOSTS_FILE = "/etc/tether/backends.hosts";
    private static final int BACKENDS = 3;
    private static final int CALLERS = 16;

    /**
     * The one setting changed from the defaults: the default 30 s would stretch this run to minutes. What the test
     * checks (a change is picked up within one interval, nothing fails meanwhile) holds for any interval.
     */
    private static final Duration REFRESH = Duration.ofSeconds(2);

    /**
     * Beyond one refresh interval, what picking up an address may take: the source's query, the first connection's
     * TLS handshake, and scheduling on a shared 2-core machine. Never a second refresh.
     */
    private static final Duration PICKUP_SLACK = Duration.ofMillis(1500);

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf clientCertificate;
    private static final List<GenericContainer<?>> backends = new ArrayList<>();
    private static final List<String> backendAddresses = new ArrayList<>();
    private static GenericContainer<?> dnsmasq;
    private static InetSocketAddress dnsServer;

    /** One call as a caller saw it: which backend answered an idempotent one, or how it failed. */
    private record Call(long seq, boolean idempotent, long startNanos, long endNanos, String backend,
                        TetherException error) {
        boolean succeeded() {
            return error == null;
        }
    }

    @BeforeAll
    static void startServers() throws Exception {
        pki = Pki.create(tempDir, "dns");
        Pki.Leaf serverCertificate = pki.server("server", NAME, "b0.tether.test", "b1.tether.test", "b2.tether.test");
        clientCertificate = pki.client("client");
        for (int i = 0; i < BACKENDS; i++) {
            GenericContainer<?> redis = pki.copyInto(TlsServers.redis("dns-backend-" + i, pki, serverCertificate,
                    "--appendonly", "yes", "--appendfsync", "always"));
            redis.start();
            backends.add(redis);
            backendAddresses.add(bridgeAddress(redis));
            redisCli(redis, "SET", "whoami", "backend-" + i);
        }
        dnsmasq = TestImage.container("dnsmasq")
                .withCommand("bash", "-c", "mkdir -p /etc/tether && : > " + HOSTS_FILE + " && exec dnsmasq"
                        // In the foreground, logging to stderr. It re-reads the hosts file (world-readable) on SIGHUP.
                        + " --keep-in-foreground --log-facility=-"
                        // Only the test's records: no upstream servers, no /etc/hosts of the container.
                        + " --no-resolv --no-hosts --addn-hosts=" + HOSTS_FILE
                        // Authoritative for the test's domain: a name it does not hold is NXDOMAIN, not REFUSED.
                        + " --local=/tether.test/"
                        + " --srv-host=" + SRV_NAME + ",b0.tether.test,8443,10,0"
                        + " --srv-host=" + SRV_NAME + ",b1.tether.test,8443,20,0"
                        + " --host-record=b0.tether.test," + backendAddresses.get(0)
                        + " --host-record=b1.tether.test," + backendAddresses.get(1))
                .waitingFor(Wait.forLogMessage(".*started, version.*\\n", 1));
        dnsmasq.start();
        dnsServer = new InetSocketAddress(InetAddress.getByName(bridgeAddress(dnsmasq)), 53);
    }

    @AfterAll
    static void stopServers() {
        if (dnsmasq != null) {
            dnsmasq.stop();
        }
        backends.forEach(GenericContainer::stop);
    }

    /** dnsmasq's own behaviour, without a client: each resolve sees the records as they are now. */
    @Test
    void dnsmasqAnswersReachTheSourcesAsTheyChange() throws Exception {
        DnsEndpointSource source = DnsEndpointSource.builder(NAME, TlsServers.TLS_PORT).nameServers(dnsServer)
                .family(AddressFamily.IPV4).build();
        for (List<Integer> scale : List.of(List.of(0, 1), List.of(0, 1, 2), List.of(2))) {
            publish(scale);
            assertThat(source.resolve()).extracting(Endpoint::host).as("answer for backends %s", scale)
                    .containsExactlyInAnyOrderElementsOf(scale.stream().map(backendAddresses::get).toList());
        }
        assertThat(source.resolve()).allSatisfy(e -> assertThat(e.tlsName()).contains(NAME));

        DnsLookupException missing = catchThrowableOfType(
                DnsEndpointSource.builder("nobody.tether.test", 8443).nameServers(dnsServer).build()::resolve,
                DnsLookupException.class);
        assertThat(missing.reason()).isEqualTo(DnsLookupException.Reason.NAME_NOT_FOUND);
        assertThat(missing).hasMessageContaining("nobody.tether.test").hasMessageContaining(dnsServer.getAddress()
                .getHostAddress() + ":53");

        SrvEndpointSource srv = SrvEndpointSource.builder(SRV_NAME).nameServers(dnsServer)
                .family(AddressFamily.IPV4).build();
        assertThat(srv.resolve()).as("only the priority-10 target").containsExactly(
                Endpoint.of(backendAddresses.get(0), 8443).withServerName("b0.tether.test"));
    }

    @Test
    void scaleOutAndInUnderLoadLosesNoIdempotentCallAndRunsNoCallTwice() throws Exception {
        publish(List.of(0, 1));
        DnsEndpointSource source = DnsEndpointSource.builder(NAME, TlsServers.TLS_PORT).nameServers(dnsServer)
                .refreshInterval(REFRESH).build();
        Queue<Call> calls = new ConcurrentLinkedQueue<>();
        Map<Integer, Endpoint> endpoints = new HashMap<>();
        for (int i = 0; i < BACKENDS; i++) {
            endpoints.put(i, Endpoint.of(backendAddresses.get(i), TlsServers.TLS_PORT).withServerName(NAME));
        }
        DockerClient docker = dnsmasq.getDockerClient();

        try (TetherClient<RespValue, RespValue> client = TetherClient.builder(RespCodec.create())
                .name("dns-scaling")
                .endpointSource(source)
                .tls(pki.clientTls(clientCertificate).build())
                .build()) {
            try (CallLoad load = CallLoad.start(CALLERS, "dns-caller", (caller, seq) -> {
                    boolean idempotent = caller % 2 == 0;
                    record(calls, seq, idempotent, () -> idempotent
                            ? client.call(command("GET", "whoami"), CallOptions.defaults().idempotent())
                            : client.call(command("INCR", "exec:" + seq)));
                })) {

                // Two addresses: both take calls.
                Awaitility.await("calls on both first backends").atMost(Duration.ofSeconds(30))
                        .until(() -> served(calls, "backend-0", 0) >= 50 && served(calls, "backend-1", 0) >= 50);

                // Scale out to three.
                long scaledOutAt = publishAndConfirm(source, List.of(0, 1, 2));
                Awaitility.await("a call answered by the added backend").atMost(REFRESH.plus(Duration.ofSeconds(20)))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> served(calls, "backend-2", scaledOutAt) > 0);
                long firstOnNew = calls.stream().filter(c -> "backend-2".equals(c.backend()))
                        .mapToLong(Call::endNanos).min().orElseThrow();
                Duration pickup = Duration.ofNanos(firstOnNew - scaledOutAt);
                assertThat(client.endpoints()).containsExactlyInAnyOrderElementsOf(endpoints.values());
                Awaitility.await("calls on all three").atMost(Duration.ofSeconds(30))
                        .until(() -> served(calls, "backend-2", scaledOutAt) >= 100);

                // Scale in to one: only the newest backend stays.
                long scaledInAt = publishAndConfirm(source, List.of(2));
                Awaitility.await("the client dropping the removed addresses")
                        .atMost(REFRESH.plus(Duration.ofSeconds(20)))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> client.endpoints().equals(List.of(endpoints.get(2))));
                long droppedAt = System.nanoTime();
                Duration drop = Duration.ofNanos(droppedAt - scaledInAt);
                Awaitility.await("calls after the scale-in").atMost(Duration.ofSeconds(30))
                        .until(() -> count(calls, c -> c.startNanos() > droppedAt && c.succeeded()) >= 300);
                // The removed backends go away only now, as a preStop delay holds a pod until clients have moved on.
                for (int i = 0; i < 2; i++) {
                    docker.stopContainerCmd(backends.get(i).getContainerId()).withTimeout(10).exec();
                }
                long stoppedAt = System.nanoTime();
                Awaitility.await("calls after the removed backends stopped").atMost(Duration.ofSeconds(30))
                        .until(() -> count(calls, c -> c.startNanos() > stoppedAt && c.succeeded()) >= 300);
                CallLoad.Outcome outcome = load.stop(Duration.ofSeconds(30));

                EndpointSourceStatus status = client.endpointSourceStatus().orElseThrow();
                assertThat(status.source()).isEqualTo(source.description());
                assertThat(status.endpoints()).containsExactly(endpoints.get(2));
                assertThat(status.consecutiveFailures()).isZero();

                List<Call> all = List.copyOf(calls);
                assertThat(outcome.failures()).as("failures that are not typed Tether exceptions")
                        .allSatisfy(f -> assertThat(f.error()).isInstanceOf(TetherException.class));
                assertThat(all).filteredOn(Call::idempotent).as("idempotent calls, through the whole run")
                        .isNotEmpty()
                        .allSatisfy(c -> assertThat(c.error()).as("call %d", c.seq()).isNull());
                assertThat(all).filteredOn(c -> c.idempotent() && c.startNanos() > droppedAt)
                        .as("idempotent calls started after the client dropped the removed addresses")
                        .allSatisfy(c -> assertThat(c.backend()).isEqualTo("backend-2"));
                assertThat(pickup).as("time from the DNS change to the first call on the added backend")
                        .isLessThanOrEqualTo(REFRESH.plus(PICKUP_SLACK));
                assertThat(drop).as("time from the DNS change to the client dropping the removed addresses")
                        .isLessThanOrEqualTo(REFRESH.plus(PICKUP_SLACK));

                // Every non-idempotent call ran at most once on all backends together; each that succeeded exactly
                // once.
                for (int i = 0; i < 2; i++) {
                    docker.startContainerCmd(backends.get(i).getContainerId()).exec();
                }
                Map<Long, Long> executions = new HashMap<>();
                for (GenericContainer<?> backend : backends) {
                    awaitRedis(backend);
                    counters(backend).forEach((seq, n) -> executions.merge(seq, n, Long::sum));
                }
                List<Call> nonIdempotent = all.stream().filter(c -> !c.idempotent()).toList();
                for (Call c : nonIdempotent) {
                    long ran = executions.getOrDefault(c.seq(), 0L);
                    assertThat(ran).as("times INCR %d ran over all backends", c.seq()).isBetween(0L, 1L);
                    if (c.succeeded()) {
                        assertThat(ran).as("INCR %d succeeded, so it ran", c.seq()).isEqualTo(1);
                    } else if (c.error().requestState() == RequestState.NOT_SENT) {
                        assertThat(ran).as("INCR %d failed as not sent (%s)", c.seq(), c.error()).isZero();
                    }
                }
                assertThat(executions.keySet()).as("counters on the backends, each from a recorded call")
                        .allSatisfy(seq -> assertThat(nonIdempotent).anyMatch(c -> c.seq() == seq));

                List<Call> failedDuringScaleIn = all.stream().filter(c -> !c.succeeded() && c.endNanos() > scaledInAt)
                        .toList();
                LOG.info("DNS scaling: {} calls ({} idempotent, {} failed in all); refresh interval {} ms; new address"
                                + " picked up {} ms after the DNS change; removed addresses dropped after {} ms; calls"
                                + " failed during scale-in: {} of {} ({}); calls per backend {}",
                        all.size(), count(all, Call::idempotent), count(all, c -> !c.succeeded()), REFRESH.toMillis(),
                        pickup.toMillis(), drop.toMillis(), failedDuringScaleIn.size(),
                        count(all, c -> c.endNanos() > scaledInAt), summarize(failedDuringScaleIn), perBackend(all));
            }
        }
    }

    /** Writes the hosts file with the given backends' addresses and has dnsmasq re-read it (SIGHUP). */
    private static void publish(List<Integer> which) throws IOException, InterruptedException {
        String lines = which.stream().map(i -> backendAddresses.get(i) + " " + NAME).collect(Collectors.joining("\\n"));
        // Written aside and renamed, so dnsmasq never reads half a file.
        exec(dnsmasq, "bash", "-c", "printf '" + lines + "\\n' > " + HOSTS_FILE + ".new && mv " + HOSTS_FILE + ".new "
                + HOSTS_FILE + " && kill -HUP $(pidof dnsmasq)");
    }

    /**
     * {@link #publish} and then asks dnsmasq with a source of the test's own until it answers with exactly those
     * addresses; returns that moment, from which the client's pick-up is measured.
     */
    private static long publishAndConfirm(DnsEndpointSource probeLike, List<Integer> which) throws Exception {
        publish(which);
        DnsEndpointSource probe = DnsEndpointSource.builder(probeLike.host(), probeLike.port()).nameServers(dnsServer)
                .build();
        List<String> expected = which.stream().map(backendAddresses::get).sorted().toList();
        Awaitility.await("dnsmasq answering " + expected).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .ignoreExceptionsInstanceOf(DnsLookupException.class)
                .until(() -> probe.resolve().stream().map(Endpoint::host).sorted().toList().equals(expected));
        return System.nanoTime();
    }

    @FunctionalInterface
    private interface Exchange {
        RespValue call() throws TetherException;
    }

    private static void record(Queue<Call> calls, long seq, boolean idempotent, Exchange exchange)
            throws TetherException {
        long start = System.nanoTime();
        try {
            RespValue reply = exchange.call();
            calls.add(new Call(seq, idempotent, start, System.nanoTime(), idempotent ? reply.asString() : null, null));
        } catch (TetherException e) {
            calls.add(new Call(seq, idempotent, start, System.nanoTime(), null, e));
            throw e;
        }
    }

    private static long served(Collection<Call> calls, String backend, long startedAfter) {
        return count(calls, c -> backend.equals(c.backend()) && c.startNanos() > startedAfter);
    }

    private static long count(Collection<Call> calls, Predicate<Call> which) {
        return calls.stream().filter(which).count();
    }

    private static Map<String, Long> perBackend(List<Call> calls) {
        return calls.stream().filter(c -> c.backend() != null)
                .collect(Collectors.groupingBy(Call::backend, TreeMap::new, Collectors.counting()));
    }

    private static Map<String, Long> summarize(List<Call> failed) {
        Map<String, Long> byType = new TreeMap<>();
        for (Call c : failed) {
            byType.merge(c.error().getClass().getSimpleName() + "/" + c.error().requestState()
                    + (c.idempotent() ? "/idempotent" : "/INCR"), 1L, Long::sum);
        }
        return byType;
    }

    /** The container's address on the default bridge, which the test JVM reaches directly. */
    private static String bridgeAddress(GenericContainer<?> container) {
        String address = container.getContainerInfo().getNetworkSettings().getNetworks().get("bridge").getIpAddress();
        assertThat(address).as("bridge address of %s", container.getContainerName()).isNotBlank();
        return address;
    }

    private static String redisCli(GenericContainer<?> redis, String... command) throws IOException,
            InterruptedException {
        return exec(redis, TlsServers.redisCli(pki, clientCertificate, command)).strip();
    }

    private static void awaitRedis(GenericContainer<?> redis) {
        Awaitility.await("Redis answering again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> "PONG".equals(redisCli(redis, "PING")));
    }

    /** Every {@code exec:<seq>} counter on {@code redis}, read in one script call. */
    private static Map<Long, Long> counters(GenericContainer<?> redis) throws IOException, InterruptedException {
        String script = "local out = {} for _, k in ipairs(redis.call('KEYS', 'exec:*')) do"
                + " table.insert(out, k .. '=' .. redis.call('GET', k)) end return out";
        Map<Long, Long> out = new HashMap<>();
        Matcher m = Pattern.compile("exec:(\\d+)=(\\d+)").matcher(redisCli(redis, "EVAL", script, "0"));
        while (m.find()) {
            out.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
        return out;
    }

    private static String exec(GenericContainer<?> container, String... command) throws IOException,
            InterruptedException {
        ExecResult result = container.execInContainer(command);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed in " + container.getContainerName()
                    + " (" + result.getExitCode() + "): " + result.getStderr() + result.getStdout());
        }
        return result.getStdout();
    }
}
