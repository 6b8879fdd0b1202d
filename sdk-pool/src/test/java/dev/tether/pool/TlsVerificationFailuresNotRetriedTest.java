package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.CertificatePins;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.PinMismatchException;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.UntrustedCertificateException;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README: "TLS trust/hostname/pin failures ... never" retried, even for idempotent calls with time to spare.
 * The client runs Tether's real TLS connector over a plain connector that counts the connections it opens,
 * so a retry, on this or a new connection, would show as a second connect.
 */
class TlsVerificationFailuresNotRetriedTest {
    private static final CallOptions IDEMPOTENT = CallOptions.timeout(Duration.ofSeconds(10)).idempotent();

    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir.resolve("certs"));
        certs.issueServer("elsewhere", b -> b.addDnsName("elsewhere.example"));
    }

    @Test
    void aPinMismatchIsNotRetried() throws Exception {
        String unrelatedPin = CertificatePins.sha256(CertSet.create(dir.resolve("other"), "Other CA").ca().certificate());
        Throwable e = callOnce(certs.serverConfig().build(), certs.clientConfig().pins(unrelatedPin).build());
        assertThat(e).isInstanceOf(PinMismatchException.class);
    }

    @Test
    void aHostnameMismatchIsNotRetried() throws Exception {
        Throwable e = callOnce(TlsConfig.builder().keyMaterial(certs.file("elsewhere.pem"), certs.file("elsewhere.key")).build(),
                certs.clientConfig().build());
        assertThat(e).isInstanceOf(HostnameMismatchException.class);
    }

    @Test
    void anUntrustedCertificateIsNotRetried() throws Exception {
        CertSet strangers = CertSet.create(dir.resolve("strangers"), "Stranger CA");
        Throwable e = callOnce(certs.serverConfig().build(), strangers.clientConfig().build());
        assertThat(e).isInstanceOf(UntrustedCertificateException.class);
    }

    /** One idempotent call through a client with default retry settings; asserts exactly one connect was made. */
    private static Throwable callOnce(TlsConfig serverConfig, TlsConfig clientConfig) throws Exception {
        AtomicInteger connects = new AtomicInteger();
        Connector counting = new Connector() {
            private final SocketConnector plain = SocketConnector.create();

            @Override
            public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
                connects.incrementAndGet();
                return plain.connect(endpoint, deadline);
            }
        };
        List<TetherException> retries = new CopyOnWriteArrayList<>();
        try (TlsEchoServer server = TlsEchoServer.start(serverConfig);
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                     .endpoint(server.localhostEndpoint())
                     .connector(new TlsConnector(counting, clientConfig))
                     .listener(new TetherClientListener() {
                         @Override
                         public void retryScheduled(Endpoint endpoint, int failedAttempt, TetherException failure,
                                                    Duration backoff) {
                             retries.add(failure);
                         }
                     })
                     .build()) {
            Throwable e = catchThrowable(() -> client.call("hello", IDEMPOTENT));
            assertThat(e).isInstanceOf(TetherException.class);
            assertThat(((TetherException) e).isRetryable()).isFalse();
            assertThat(e.getSuppressed()).as("earlier attempts").isEmpty();
            assertThat(retries).isEmpty();
            assertThat(connects.get()).isEqualTo(1);
            assertThat(client.stats().get(server.localhostEndpoint()).retries()).isZero();
            return e;
        }
    }
}
