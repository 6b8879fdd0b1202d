package dev.tether.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.core.codec.LineCodec;
import dev.tether.it.support.CallLoad;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RecordingListener;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 1: a socat {@code OPENSSL-LISTEN} echo server that requires client certificates, driven through
 * {@link TetherClient} by 32 callers making 10,000 calls per codec. Every reply must equal its request byte for
 * byte, no call may fail, and the server must have accepted exactly the connections the pool reports opening
 * (each over TLS 1.3), so connections were reused rather than silently replaced.
 *
 * <p>Session resumption is off on the client: socat sets no session ID context, and OpenSSL refuses to
 * resume a session on a server that verifies client certificates without one (the server answers a resuming
 * ClientHello with an {@code internal_error} alert and logs "session id context uninitialized"). Any client
 * that resumes fails against such a server, so this is socat's limitation, not a client choice under test.
 */
@RequiresDocker
class MutualTlsEchoUnderLoadIT {

    private static final int CALLERS = 32;
    private static final int CALLS = 10_000;
    private static final Duration RUN_LIMIT = Duration.ofMinutes(2);
    private static final Pattern ACCEPTED = Pattern.compile("echo\\[\\d+\\] N accepting connection");
    private static final Pattern TLS13 = Pattern.compile("echo\\[\\d+\\] N SSL proto version used: TLSv1\\.3");
    /** Multi-byte UTF-8 characters among the ASCII, so a charset slip would change bytes. */
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 -_.:/üßé€漢字😀";

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki.Leaf clientCertificate;
    private static GenericContainer<?> socat;

    @BeforeAll
    static void startEchoServer() throws Exception {
        pki = Pki.create(tempDir, "main");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        clientCertificate = pki.client("client");
        socat = pki.copyInto(TlsServers.socat("socat-echo", server, pki.containerCaCertificate(), "echo", "PIPE"))
                .withExposedPorts(TlsServers.TLS_PORT);
        socat.start();
    }

    @AfterAll
    static void stopEchoServer() {
        if (socat != null) {
            socat.stop();
        }
    }

    @Test
    void everyLineComesBackByteForByte() throws Exception {
        int[] codePoints = ALPHABET.codePoints().toArray();
        runAndCheck(LineCodec.create(), (caller, seq) -> {
            SplittableRandom random = new SplittableRandom(seq);
            StringBuilder line = new StringBuilder().append(caller).append('/').append(seq).append(' ');
            int length = random.nextInt(seq % 97 == 0 ? 4000 : 200);
            for (int i = 0; i < length; i++) {
                line.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            return line.toString();
        }, (sent, received) -> Arrays.equals(sent.getBytes(StandardCharsets.UTF_8),
                received.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyLengthPrefixedFrameComesBackByteForByte() throws Exception {
        runAndCheck(LengthPrefixedCodec.create(), (caller, seq) -> {
            SplittableRandom random = new SplittableRandom(seq);
            // Mostly small frames, and every 50th larger than a TLS record so replies span several records.
            int size = seq % 50 == 0 ? 16_384 + random.nextInt(48_000) : random.nextInt(2_048);
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) random.nextInt(256);
            }
            return payload;
        }, Arrays::equals);
    }

    private interface Requests<T> {
        T make(int caller, long seq);
    }

    private interface SameBytes<T> {
        boolean test(T sent, T received);
    }

    private static <T> void runAndCheck(Codec<T, T> codec, Requests<T> requests, SameBytes<T> same) throws Exception {
        Endpoint endpoint = TlsServers.endpoint(socat);
        int acceptedBefore = TlsServers.countLogLines(socat, ACCEPTED);
        int tls13Before = TlsServers.countLogLines(socat, TLS13);
        RecordingListener listener = new RecordingListener();
        try (TetherClient<T, T> client = TetherClient.builder(codec)
                .name("echo-" + codec.getClass().getSimpleName())
                .endpoint(endpoint)
                .tls(pki.clientTls(clientCertificate).sessionResumption(false).build())
                .pool(PoolSettings.builder().maxTotal(CALLERS).maxPerEndpoint(CALLERS).build())
                .listener(listener)
                .build()) {

            CallLoad.Outcome outcome = CallLoad.run(CALLERS, CALLS, RUN_LIMIT, (caller, seq) -> {
                T request = requests.make(caller, seq);
                T reply = client.call(request);
                if (!same.test(request, reply)) {
                    throw new AssertionError("call " + seq + " got a reply that differs from its request");
                }
            });

            assertThat(outcome.failures()).as("failed or mismatched calls").isEmpty();
            assertThat(outcome.succeeded()).isEqualTo(CALLS);
            EndpointStats stats = client.stats().get(endpoint);
            assertThat(stats.acquires()).isEqualTo(CALLS);
            assertThat(stats.created()).isBetween(1L, (long) CALLERS);
            assertThat(stats.reuses()).isEqualTo(CALLS - stats.created());
            assertThat(stats.destroyed()).as("connections closed while the load ran").isZero();
            assertThat(listener.retried()).isEmpty();

            long created = stats.created();
            Awaitility.await("socat logs one accepted TLS 1.3 connection per pooled connection")
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> {
                        assertThat(TlsServers.countLogLines(socat, ACCEPTED) - acceptedBefore).isEqualTo(created);
                        assertThat(TlsServers.countLogLines(socat, TLS13) - tls13Before).isEqualTo(created);
                    });
            assertThat(listener.destroyed()).doesNotContain(DestroyReason.BROKEN, DestroyReason.STALE);
        }
    }
}
