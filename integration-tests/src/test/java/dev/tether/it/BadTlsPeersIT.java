package dev.tether.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.it.support.Pki;
import dev.tether.it.support.RecordingConnector;
import dev.tether.it.support.RecordingListener;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TlsServers;
import dev.tether.pool.CallOptions;
import dev.tether.pool.RetrySettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.CertificateValidityException;
import dev.tether.tls.ClientCertificateException;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.NoCommonProtocolException;
import dev.tether.tls.NotTlsException;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.UntrustedCertificateException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Scenario 7: TLS peers that are wrong in one way each, all in one container on their own ports. Every call
 * must fail with the exception type that names the problem (never a generic handshake failure), report that
 * nothing was sent, and be tried exactly once although the client is allowed three attempts and the call is
 * marked idempotent: a retry cannot fix any of these, so the client must not hammer the peer.
 */
@RequiresDocker
class BadTlsPeersIT {

    private static final int EXPIRED = 8441;
    private static final int WRONG_NAME = 8442;
    private static final int UNTRUSTED = 8443;
    private static final int CLIENT_CERT_REQUIRED = 8444;
    private static final int TLS11_ONLY = 8445;
    private static final int NO_SHARED_CIPHER = 8446;
    private static final int PLAINTEXT = 8447;
    private static final String OTHER_NAME = "other.tether.test";

    @TempDir
    static Path tempDir;

    private static Pki pki;
    private static Pki stranger;
    private static Pki.Leaf clientCertificate;
    private static Pki.Leaf strangersClientCertificate;
    private static GenericContainer<?> peers;

    @BeforeAll
    static void startBadPeers() throws Exception {
        pki = Pki.create(tempDir, "main");
        stranger = Pki.create(tempDir, "stranger");
        clientCertificate = pki.client("client");
        strangersClientCertificate = stranger.client("client");
        Pki.Leaf server = pki.server("server", TlsServers.SERVER_NAME);
        Instant now = Instant.now();
        Pki.Leaf expired = pki.issue("expired", b -> b.serverAuth().addDnsName(TlsServers.SERVER_NAME)
                .validity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
        Pki.Leaf wrongName = pki.server("wrong-name", OTHER_NAME);
        Pki.Leaf untrusted = stranger.server("server", TlsServers.SERVER_NAME);

        String tls11 = "openssl s_server -quiet -accept " + TLS11_ONLY + " -cert " + server.containerCertificate()
                + " -key " + server.containerKey() + " -tls1_1 -cipher DEFAULT:@SECLEVEL=0";
        String noSharedCipher = "openssl s_server -quiet -accept " + NO_SHARED_CIPHER + " -cert "
                + server.containerCertificate() + " -key " + server.containerKey()
                + " -tls1_2 -cipher ECDHE-ECDSA-ARIA128-GCM-SHA256";
        // A plaintext service that speaks first, like HTTP error pages, SMTP or FTP banners.
        String plaintext = "socat -lpplain TCP-LISTEN:" + PLAINTEXT + ",fork,reuseaddr "
                + TlsServers.quote("SYSTEM:echo HTTP/1.1 400 Bad Request; cat >/dev/null");
        peers = TlsServers.shell("bad-peers", List.of(
                        TlsServers.socatListen(EXPIRED, expired, null, "expired", "PIPE"),
                        TlsServers.socatListen(WRONG_NAME, wrongName, null, "wrongname", "PIPE"),
                        TlsServers.socatListen(UNTRUSTED, untrusted, null, "untrusted", "PIPE"),
                        TlsServers.socatListen(CLIENT_CERT_REQUIRED, server, pki.containerCaCertificate(), "mtls",
                                "PIPE"),
                        tls11, noSharedCipher, plaintext),
                EXPIRED, WRONG_NAME, UNTRUSTED, CLIENT_CERT_REQUIRED, TLS11_ONLY, NO_SHARED_CIPHER, PLAINTEXT)
                .withExposedPorts(EXPIRED, WRONG_NAME, UNTRUSTED, CLIENT_CERT_REQUIRED, TLS11_ONLY, NO_SHARED_CIPHER,
                        PLAINTEXT);
        pki.copyInto(peers);
        stranger.copyInto(peers);
        peers.start();
    }

    @AfterAll
    static void stopBadPeers() {
        if (peers != null) {
            peers.stop();
        }
    }

    @Test
    void expiredServerCertificate() throws Exception {
        CertificateValidityException e = failOnce(EXPIRED, pki.clientTls(clientCertificate).build(),
                CertificateValidityException.class);

        assertThat(e.kind()).isEqualTo(CertificateValidityException.Kind.EXPIRED);
        assertThat(e.notAfter()).isBefore(Instant.now());
    }

    @Test
    void serverCertificateForAnotherName() throws Exception {
        HostnameMismatchException e = failOnce(WRONG_NAME, pki.clientTls(clientCertificate).build(),
                HostnameMismatchException.class);

        assertThat(e.expectedName()).isEqualTo(TlsServers.SERVER_NAME);
        assertThat(e.certificateNames()).containsExactly("DNS:" + OTHER_NAME);
    }

    @Test
    void serverCertificateFromAnUntrustedCa() throws Exception {
        UntrustedCertificateException e = failOnce(UNTRUSTED, pki.clientTls(clientCertificate).build(),
                UntrustedCertificateException.class);

        assertThat(e.chain()).isNotEmpty();
        assertThat(e.chain().get(0).getIssuerX500Principal().getName()).contains("Tether IT stranger CA");
    }

    @Test
    void noClientCertificateWhereOneIsRequired() throws Exception {
        ClientCertificateException e = failOnce(CLIENT_CERT_REQUIRED, pki.clientTls(null).build(),
                ClientCertificateException.class);

        assertThat(e.reason()).isEqualTo(ClientCertificateException.Reason.REQUIRED);
    }

    @Test
    void clientCertificateFromAnotherCa() throws Exception {
        ClientCertificateException e = failOnce(CLIENT_CERT_REQUIRED,
                pki.clientTls(null).keyMaterial(strangersClientCertificate.certificate(),
                        strangersClientCertificate.key()).build(),
                ClientCertificateException.class);

        assertThat(e.reason()).isEqualTo(ClientCertificateException.Reason.REJECTED);
    }

    @Test
    void serverThatOnlySpeaksTls11() throws Exception {
        NoCommonProtocolException e = failOnce(TLS11_ONLY, pki.clientTls(clientCertificate).build(),
                NoCommonProtocolException.class);

        assertThat(e.getMessage()).contains("TLSv1.3", "TLSv1.2");
    }

    @Test
    void serverWithNoCipherSuiteInCommon() throws Exception {
        failOnce(NO_SHARED_CIPHER, pki.clientTls(clientCertificate).build(), NoCommonProtocolException.class);
    }

    @Test
    void plaintextServiceOnTheTlsPort() throws Exception {
        NotTlsException e = failOnce(PLAINTEXT, pki.clientTls(clientCertificate).build(), NotTlsException.class);

        assertThat(e.getMessage()).contains("HTTP/1.1 400");
    }

    /**
     * Makes one idempotent call to {@code port} with three attempts allowed, and checks it failed with exactly
     * {@code expected}, said nothing was sent, and was attempted once.
     */
    private static <E extends TetherException> E failOnce(int port, TlsConfig tls, Class<E> expected)
            throws Exception {
        Endpoint endpoint = TlsServers.endpoint(peers, port);
        RecordingConnector connector = new RecordingConnector(tls);
        RecordingListener listener = new RecordingListener();
        try (TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                .name("bad-peer-" + port)
                .endpoint(endpoint)
                .connector(connector)
                .retry(RetrySettings.builder().maxAttempts(3).build())
                .listener(listener)
                .build()) {
            E failure = catchThrowableOfType(expected,
                    () -> client.call("hello", CallOptions.timeout(Duration.ofSeconds(10)).idempotent()));

            assertThat(failure).as("the call's failure").isNotNull();
            assertThat(failure).isExactlyInstanceOf(expected);
            assertThat(failure.requestState()).isEqualTo(RequestState.NOT_SENT);
            assertThat(failure.isRetryable()).isFalse();
            assertThat(failure.endpoint()).isEqualTo(endpoint);
            assertThat(connector.attempts()).as("connection attempts").isEqualTo(1);
            assertThat(listener.retried()).as("retries scheduled").isEmpty();
            assertThat(listener.throttled()).as("retries wanted but refused by the budget").isEmpty();
            assertThat(client.stats().get(endpoint).retries()).isZero();
            return failure;
        }
    }
}
