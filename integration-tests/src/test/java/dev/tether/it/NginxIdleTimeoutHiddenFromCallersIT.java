package dev.tether.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.LineCodec;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.IdleCloseRounds;
import dev.tether.it.support.Pki;
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
 * Scenario 2: nginx {@code stream} terminates mutual TLS in front of an echo service and closes sessions idle
 * for its {@code proxy_timeout} (1s). Bursts of calls are separated by idle gaps that last until nginx has
 * closed every connection the pool holds, several times over; the pool must notice each closed connection
 * before handing it out, so no caller ever sees an error. nginx's session log shows the client certificate
 * each session was authenticated with.
 */
@RequiresDocker
class NginxIdleTimeoutHiddenFromCallersIT {

    private static final Duration PROXY_TIMEOUT = Duration.ofSeconds(1);
    private static final int ROUNDS = 4;
    private static final int CALLERS = 16;
    private static final int CALLS_PER_BURST = 800;
    private static final Pattern SESSION = Pattern.compile(
            "session client_dn=\"([^\"]*)\" protocol=(\\S+) status=(\\d+) bytes_in=(\\d+) bytes_out=(\\d+)");

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf clientCertificate;
    private static GenericContainer<?> nginx;

    @BeforeAll
    static void startNginx() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
        nginx = pki.copyInto(TlsServers.nginxStream("nginx-stream", pki, server, PROXY_TIMEOUT))
                .withExposedPorts(TlsServers.TLS_PORT);
        nginx.start();
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.stop();
        }
    }

    @Test
    void connectionsNginxClosedWhileIdleNeverReachCallers() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(nginx);
        RecordingListener listener = new RecordingListener();
        try (TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                .name("nginx")
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                .listener(listener)
                .build()) {

            List<CallLoad.Failure> failures = IdleCloseRounds.run(ROUNDS, CALLERS, CALLS_PER_BURST, "nginx", nginx,
                    TlsServers.TLS_PORT, PROXY_TIMEOUT.multipliedBy(10), (round, seq) -> {
                        String request = "round " + round + " call " + seq;
                        String reply = client.call(request);
                        if (!request.equals(reply)) {
                            throw new AssertionError("expected echo of '" + request + "' but got '" + reply + "'");
                        }
                    });
            assertThat(failures).as("errors that reached callers").isEmpty();
            EndpointStats stats = IdleCloseRounds.assertClosedConnectionsNeverReachedCallers(client, endpoint, ROUNDS,
                    listener);

            Awaitility.await("nginx logging one finished session per pooled connection")
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(TlsServers.countLogLines(nginx, SESSION))
                            .isEqualTo(stats.created()));
            List<Matcher> sessions = TlsServers.matchingLogLines(nginx, SESSION);
            for (Matcher session : sessions) {
                assertThat(session.group(1)).as("client certificate subject").contains("CN=client");
                assertThat(session.group(2)).isEqualTo("TLSv1.3");
                assertThat(session.group(3)).as("stream status").isEqualTo("200");
                assertThat(session.group(4)).as("bytes echoed").isEqualTo(session.group(5));
            }
        }
    }
}
