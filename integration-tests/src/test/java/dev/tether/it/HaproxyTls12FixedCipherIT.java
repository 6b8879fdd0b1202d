package dev.tether.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.LineCodec;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.IdleCloseRounds;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RecordingConnector;
import dev.tether.it.support.RecordingListener;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 3: HAProxy in TCP mode terminates mutual TLS restricted to TLS 1.2 and the single cipher
 * ECDHE-ECDSA-AES128-GCM-SHA256 (the server key is EC P-256). A client with Tether's defaults (TLS 1.3
 * preferred, 1.2 allowed, the JDK's default suites) must negotiate exactly that, as both the client's
 * connections and HAProxy's session log report; and HAProxy's {@code timeout client} closing idle sessions
 * must never surface as a failed call.
 */
@RequiresDocker
class HaproxyTls12FixedCipherIT {

    private static final String OPENSSL_CIPHER = "ECDHE-ECDSA-AES128-GCM-SHA256";
    private static final String JDK_CIPHER = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);
    private static final Pattern SESSION = Pattern.compile(
            "session protocol=(\\S+) cipher=(\\S+) bytes=(\\d+) state=(\\S+)");

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf clientCertificate;
    private static GenericContainer<?> haproxy;

    @BeforeAll
    static void startHaproxy() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
        haproxy = pki.copyInto(TlsServers.haproxyTls12("haproxy", pki, server, OPENSSL_CIPHER, CLIENT_TIMEOUT))
                .withExposedPorts(TlsServers.TLS_PORT);
        haproxy.start();
    }

    @AfterAll
    static void stopHaproxy() {
        if (haproxy != null) {
            haproxy.stop();
        }
    }

    @Test
    void defaultClientNegotiatesTls12WithTheOnlyCipherTheServerAllows() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(haproxy);
        int sessionsBefore = TlsServers.countLogLines(haproxy, SESSION);
        RecordingConnector connector = new RecordingConnector(pki.clientTls(clientCertificate).build());
        long created;
        try (TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                .name("haproxy")
                .endpoint(endpoint)
                .connector(connector)
                .build()) {
            CallLoad.Outcome outcome = CallLoad.run(8, 1_000, Duration.ofMinutes(1),
                    (caller, seq) -> echo(client, seq));

            assertThat(outcome.failures()).isEmpty();
            created = client.stats().get(endpoint).created();
        }

        assertThat(connector.negotiated()).hasSize((int) created)
                .allSatisfy(n -> {
                    assertThat(n.protocol()).isEqualTo("TLSv1.2");
                    assertThat(n.cipherSuite()).isEqualTo(JDK_CIPHER);
                });
        List<Matcher> sessions = awaitSessions(sessionsBefore, created);
        assertThat(sessions).allSatisfy(session -> {
            assertThat(session.group(1)).isEqualTo("TLSv1.2");
            assertThat(session.group(2)).isEqualTo(OPENSSL_CIPHER);
        });
    }

    @Test
    void idleSessionsClosedByTimeoutClientNeverFailACall() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(haproxy);
        int sessionsBefore = TlsServers.countLogLines(haproxy, SESSION);
        RecordingListener listener = new RecordingListener();
        try (TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                .name("haproxy-idle")
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                .listener(listener)
                .build()) {
            List<CallLoad.Failure> failures = IdleCloseRounds.run(3, 8, 500, "HAProxy", haproxy, TlsServers.TLS_PORT,
                    CLIENT_TIMEOUT.multipliedBy(10), (round, seq) -> echo(client, seq));
            assertThat(failures).as("errors that reached callers").isEmpty();
            EndpointStats stats = IdleCloseRounds.assertClosedConnectionsNeverReachedCallers(client, endpoint, 3,
                    listener);

            // HAProxy's termination state "cD": the client-side timeout expired during the data phase.
            assertThat(awaitSessions(sessionsBefore, stats.created()))
                    .allSatisfy(session -> assertThat(session.group(4)).isEqualTo("cD"));
        }
    }

    private static void echo(TetherClient<String, String> client, long seq) throws Exception {
        String request = "call " + seq + " through HAProxy";
        String reply = client.call(request);
        if (!request.equals(reply)) {
            throw new AssertionError("expected echo of '" + request + "' but got '" + reply + "'");
        }
    }

    /** Waits for HAProxy to log {@code expected} sessions after the first {@code before}, and returns them. */
    private static List<Matcher> awaitSessions(int before, long expected) {
        Awaitility.await("HAProxy logging " + expected + " finished sessions")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(TlsServers.countLogLines(haproxy, SESSION) - before)
                        .isEqualTo(expected));
        List<Matcher> all = TlsServers.matchingLogLines(haproxy, SESSION);
        return all.subList(before, all.size());
    }
}
