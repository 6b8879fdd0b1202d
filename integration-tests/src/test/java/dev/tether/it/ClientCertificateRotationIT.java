package dev.tether.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.LineCodec;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RecordingListener;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import dev.tether.tls.ReloadingTlsConfig;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 8: the client's certificate and key files are replaced while 16 callers keep calling, and a
 * {@link ReloadingTlsConfig} watching them hands the new material to the pool. The server, a socat mutual-TLS
 * service, answers every line with the common name of the client certificate its connection was
 * authenticated with, so each reply says which certificate the server saw. No call may fail; every call that
 * started after the reload took effect must have been served on a connection that presented the new
 * certificate; and the pool must have retired the connections made with the old one.
 *
 * <p>Session resumption is off for the reason given in {@link MutualTlsEchoUnderLoadIT}: socat cannot resume
 * sessions while it verifies client certificates.
 */
@RequiresDocker
class ClientCertificateRotationIT {

    private static final String OLD_NAME = "client";
    private static final String NEW_NAME = "client-rotated";
    private static final int CALLERS = 16;
    private static final int SLOW_PORT = 8444;
    private static final int CALLS_PER_PHASE = 500;
    private static final Pattern ACCEPTED = Pattern.compile("whoami\\[\\d+\\] N accepting connection");
    /**
     * Answers each line with the peer certificate's common name, which socat puts in the environment of the
     * command it runs (named after the program name, {@code -lpwhoami}: {@code WHOAMI_OPENSSL_X509_COMMONNAME}).
     */
    private static final String WHOAMI_ECHO =
            "SYSTEM:while IFS= read -r line; do echo \"$WHOAMI_OPENSSL_X509_COMMONNAME $line\"; done";

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static GenericContainer<?> whoami;

    private record Observation(long startNanos, String commonName) {
    }

    @BeforeAll
    static void startServer() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        // The same service behind a relay that holds each new connection for three seconds before passing its
        // bytes on, like a distant or overloaded server: every handshake through it takes over three seconds, so
        // the reload (50 ms polls) lands while they wait even on a loaded machine.
        String slowRelay = "socat -lpslow TCP-LISTEN:" + SLOW_PORT + ",fork,reuseaddr "
                + TlsServers.quote("SYSTEM:sleep 3; exec socat STDIO TCP\\:127.0.0.1\\:" + TlsServers.TLS_PORT);
        whoami = pki.copyInto(TlsServers.shell("whoami", List.of(
                                TlsServers.socatListen(TlsServers.TLS_PORT, server, pki.containerCaCertificate(),
                                        "whoami", WHOAMI_ECHO),
                                slowRelay),
                        TlsServers.TLS_PORT, SLOW_PORT))
                .withExposedPorts(TlsServers.TLS_PORT, SLOW_PORT);
        whoami.start();
    }

    @AfterAll
    static void stopServer() {
        if (whoami != null) {
            whoami.stop();
        }
    }

    @Test
    void newConnectionsPresentTheReplacedCertificateWithoutAFailedCall() throws Exception {
        Pki.Leaf original = pki.client(OLD_NAME);
        Pki.Leaf replacement = pki.successor(original, NEW_NAME, HeldCertificate.Builder::clientAuth);
        Endpoint endpoint = TlsServers.endpoint(whoami);
        int acceptedBefore = TlsServers.countLogLines(whoami, ACCEPTED);
        RecordingListener listener = new RecordingListener();
        Queue<Observation> observations = new ConcurrentLinkedQueue<>();
        long rotatedAt;
        long reloadedAt;
        CallLoad.Outcome outcome;
        EndpointStats stats;

        try (ReloadingTlsConfig tls = ReloadingTlsConfig.watching(pki.clientTls(original).sessionResumption(false))
                .pollInterval(Duration.ofMillis(100))
                .start();
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                     .name("rotation")
                     .endpoint(endpoint)
                     .tls(tls)
                     .listener(listener)
                     .build()) {

            try (CallLoad load = CallLoad.start(CALLERS, "rotation-caller", (caller, seq) -> {
                    long start = System.nanoTime();
                    String request = "call " + seq;
                    String reply = client.call(request);
                    int space = reply.indexOf(' ');
                    if (space < 1 || !reply.substring(space + 1).equals(request)) {
                        throw new AssertionError("reply '" + reply + "' does not answer '" + request + "'");
                    }
                    observations.add(new Observation(start, reply.substring(0, space)));
                })) {
                Awaitility.await("calls with the original certificate")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> load.succeeded() >= CALLS_PER_PHASE || load.failed() > 0);

                rotatedAt = System.nanoTime();
                replacement.write(ExistingFile.REPLACE);
                Awaitility.await("the reloading config taking up the new files")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> tls.generation() >= 2);
                reloadedAt = System.nanoTime();
                Awaitility.await("calls started after the reload")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> load.failed() > 0
                                || observations.stream().filter(o -> o.startNanos() > reloadedAt).count()
                                >= CALLS_PER_PHASE);
                outcome = load.stop(Duration.ofSeconds(30));

                stats = client.stats().get(endpoint);
                assertThat(tls.lastFailure()).isEmpty();
                // One rotation, one reload, or two: the certificate and key are two files written one after the
                // other, and a poll that reads them between the writes builds from the new pair but keeps the
                // fingerprint it took first, so the next poll builds once more (ReloadingTlsConfig prefers a second
                // reload to a missed one).
                assertThat(tls.generation()).as("reloads for one rotation").isBetween(2L, 3L);
            }
        }

        assertThat(outcome.failures()).as("calls that failed across the rotation").isEmpty();
        List<Observation> all = List.copyOf(observations);
        assertThat(all).filteredOn(o -> o.startNanos() < rotatedAt).as("calls before the files changed")
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.commonName()).isEqualTo(OLD_NAME));
        assertThat(all).filteredOn(o -> o.startNanos() > reloadedAt).as("calls after the reload took effect")
                .hasSizeGreaterThanOrEqualTo(CALLS_PER_PHASE)
                .allSatisfy(o -> assertThat(o.commonName()).isEqualTo(NEW_NAME));
        assertThat(stats.destroyed(DestroyReason.TLS_ROTATION)).as("connections retired for the old certificate")
                .isPositive();
        assertThat(stats.destroyed(DestroyReason.BROKEN)).isZero();
        assertThat(listener.retried()).isEmpty();
        Awaitility.await("socat logging one accepted connection per pooled connection")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(TlsServers.countLogLines(whoami, ACCEPTED) - acceptedBefore)
                        .isEqualTo(stats.created()));
    }

    /**
     * The race a rotation under load always has somewhere: handshakes that began with the old material and
     * finish after the reload. Those connections are sound (the old certificate is still valid), so the calls
     * waiting for them must succeed, whichever certificate ends up serving them; later calls use the new one.
     */
    @Test
    void handshakesInFlightDuringTheReloadDoNotFailTheirCalls() throws Exception {
        Pki.Leaf original = pki.client("slow-client");
        Pki.Leaf replacement = pki.successor(original, "slow-client-rotated", HeldCertificate.Builder::clientAuth);
        Endpoint endpoint = TlsServers.endpoint(whoami, SLOW_PORT);
        int callers = 4;
        try (ReloadingTlsConfig tls = ReloadingTlsConfig.watching(pki.clientTls(original).sessionResumption(false))
                .pollInterval(Duration.ofMillis(50))
                .start();
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                     .name("rotation-in-flight")
                     .endpoint(endpoint)
                     .tls(tls)
                     .build()) {

            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(client.callAsync("first " + i));
            }
            replacement.write(ExistingFile.REPLACE);
            Awaitility.await("the reloading config taking up the new files")
                    .atMost(Duration.ofMillis(2500))
                    .until(() -> tls.generation() >= 2);
            assertThat(calls).as("calls still waiting for their handshakes when the reload took effect")
                    .noneMatch(CompletableFuture::isDone);

            List<String> outcomes = new ArrayList<>();
            for (CompletableFuture<String> call : calls) {
                outcomes.add(call.handle((reply, e) -> e == null ? reply : "failed: " + e).get(10, TimeUnit.SECONDS));
            }
            assertThat(outcomes).as("calls whose handshakes straddled the reload").allSatisfy(outcome ->
                    assertThat(outcome).matches("slow-client(-rotated)? first \\d"));
            for (int i = 0; i < callers; i++) {
                assertThat(client.call("after " + i)).isEqualTo("slow-client-rotated after " + i);
            }
        }
    }
}
