package dev.tether.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.IdleCloseRounds;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RecordingListener;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 4: stunnel in server mode, requiring client certificates, tunnels to an echo service. Frames from
 * empty to a quarter of a megabyte must come back byte for byte; stunnel must have accepted exactly the
 * connections the pool opened, verifying our client certificate; and stunnel's idle timeout, which ends a
 * quiet connection with a TCP reset rather than a close_notify, must never surface as a failed call.
 */
@RequiresDocker
class StunnelTunnelledEchoIT {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);
    private static final Pattern ACCEPTED = Pattern.compile("Service \\[echo\\] accepted connection");
    private static final Pattern CLIENT_VERIFIED = Pattern.compile("Certificate accepted at depth=0: .*CN=client$");
    private static final Pattern RESET_IDLE = Pattern.compile("Connection reset: \\d+ byte\\(s\\) sent to TLS");

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf clientCertificate;
    private static GenericContainer<?> stunnel;

    @BeforeAll
    static void startStunnel() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
        stunnel = pki.copyInto(TlsServers.stunnel("stunnel", pki, server, IDLE_TIMEOUT))
                .withExposedPorts(TlsServers.TLS_PORT);
        stunnel.start();
    }

    @AfterAll
    static void stopStunnel() {
        if (stunnel != null) {
            stunnel.stop();
        }
    }

    @Test
    void framesOfEverySizeComeBackByteForByte() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(stunnel);
        int acceptedBefore = TlsServers.countLogLines(stunnel, ACCEPTED);
        int verifiedBefore = TlsServers.countLogLines(stunnel, CLIENT_VERIFIED);
        try (TetherClient<byte[], byte[]> client = client("stunnel", endpoint, new RecordingListener())) {
            CallLoad.Outcome outcome = CallLoad.run(16, 3_000, Duration.ofMinutes(2), (caller, seq) -> {
                byte[] payload = payload(seq);
                byte[] reply = client.call(payload);
                if (!Arrays.equals(payload, reply)) {
                    throw new AssertionError("frame " + seq + " of " + payload.length + " bytes came back as "
                            + reply.length + " different bytes");
                }
            });

            assertThat(outcome.failures()).isEmpty();
            assertThat(outcome.succeeded()).isEqualTo(3_000);
            long created = client.stats().get(endpoint).created();
            Awaitility.await("stunnel logging every pooled connection it accepted")
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(TlsServers.countLogLines(stunnel, ACCEPTED) - acceptedBefore)
                            .isEqualTo(created));
            // A connection that resumes an earlier TLS session is not verified again (its identity comes from
            // the session), so stunnel logs a verification for the full handshakes only.
            assertThat(TlsServers.countLogLines(stunnel, CLIENT_VERIFIED) - verifiedBefore)
                    .as("client certificates stunnel verified").isBetween(1, (int) created);
        }
    }

    @Test
    void connectionsResetForIdlenessNeverFailACall() throws Exception {
        Endpoint endpoint = TlsServers.endpoint(stunnel);
        int resetsBefore = TlsServers.countLogLines(stunnel, RESET_IDLE);
        RecordingListener listener = new RecordingListener();
        try (TetherClient<byte[], byte[]> client = client("stunnel-idle", endpoint, listener)) {
            List<CallLoad.Failure> failures = IdleCloseRounds.run(3, 8, 400, "stunnel", stunnel, TlsServers.TLS_PORT,
                    IDLE_TIMEOUT.multipliedBy(10), (round, seq) -> {
                        byte[] payload = ("round call " + seq).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        if (!Arrays.equals(payload, client.call(payload))) {
                            throw new AssertionError("frame " + seq + " did not come back unchanged");
                        }
                    });
            assertThat(failures).as("errors that reached callers").isEmpty();
            EndpointStats stats = IdleCloseRounds.assertClosedConnectionsNeverReachedCallers(client, endpoint, 3,
                    listener);
            Awaitility.await("stunnel logging an idle reset per pooled connection")
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(TlsServers.countLogLines(stunnel, RESET_IDLE) - resetsBefore)
                            .isEqualTo(stats.created()));
        }
    }

    private static TetherClient<byte[], byte[]> client(String name, Endpoint endpoint, RecordingListener listener) {
        return TetherClient.builder(LengthPrefixedCodec.create())
                .name(name)
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).build())
                .pool(PoolSettings.builder().maxPerEndpoint(16).build())
                .listener(listener)
                .build();
    }

    /** Sizes from 0 bytes up: mostly small, every 25th over one TLS record, every 500th a quarter megabyte. */
    private static byte[] payload(long seq) {
        SplittableRandom random = new SplittableRandom(seq);
        int size;
        if (seq % 500 == 0) {
            size = 256 * 1024;
        } else if (seq % 25 == 0) {
            size = 16_385 + random.nextInt(40_000);
        } else {
            size = (int) (seq % 7 == 0 ? 0 : random.nextInt(4_096));
        }
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) random.nextInt(256);
        }
        return payload;
    }
}
