package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslClient;
import dev.tether.tls.testing.OpenSslServer;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tether offers and accepts only AEAD cipher suites by default, on both sides, against real OpenSSL peers
 * limited to CBC suites; {@link TlsConfig.Builder#allowLegacyCbcCipherSuites()} is the named way back.
 */
class CipherSuiteDefaultsTest {
    /** An OpenSSL name for a TLS 1.2 CBC suite our test certificates (EC keys) can use. */
    private static final String CBC_ONLY = "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA";

    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    private static TlsConnection connect(TlsConfig config, Endpoint endpoint) throws Exception {
        return new TlsConnector(SocketConnector.create(), config).connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
    }

    @Test
    void defaultsAreAeadOnly() {
        TlsConfig config = TlsConfig.defaults();
        assertThat(config.effectiveCipherSuites()).isNotEmpty()
                .allMatch(s -> s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"), "AEAD")
                .noneMatch(s -> s.contains("CBC"));
        assertThat(config.effectiveCipherSuites()).contains("TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(config.legacyCbcCipherSuitesAllowed()).isFalse();
        assertThat(config.toString()).contains("AEAD only");
        TlsConfig legacy = TlsConfig.builder().allowLegacyCbcCipherSuites().build();
        assertThat(legacy.effectiveCipherSuites()).startsWith(config.effectiveCipherSuites().toArray(String[]::new))
                .contains("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
    }

    @Test
    void revocationCheckingIsOffByDefaultWithAFiveSecondFetchTimeout() {
        assertThat(TlsConfig.defaults().revocation()).isEqualTo(RevocationMode.OFF);
        assertThat(TlsConfig.defaults().revocationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(TlsConfig.defaults().toString()).contains("revocation=OFF");
    }

    @Test
    void clientRefusesACbcOnlyServerAndNamesTheOptIn() {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_2", "-cipher", CBC_ONLY, "-naccept", "1")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.endpoint()))
                    .isInstanceOf(NoCommonProtocolException.class)
                    .hasMessageContaining("AEAD suites only")
                    .hasMessageContaining("allowLegacyCbcCipherSuites()")
                    .hasMessageContaining("Lucky13");
        }
    }

    @Test
    void clientWithTheOptInTalksToACbcOnlyServer() throws Exception {
        // The scenario is a legacy peer, so the opt-in is the point of the test.
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_2", "-cipher", CBC_ONLY, "-naccept", "1");
             TlsConnection c = connect(certs.clientConfig().allowLegacyCbcCipherSuites().build(), server.endpoint())) {
            assertThat(c.protocol()).isEqualTo("TLSv1.2");
            assertThat(c.cipherSuite()).contains("_CBC_");
        }
    }

    @Test
    void clientPrefersAeadWhenTheServerOffersBoth() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_2", "-naccept", "1");
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            assertThat(c.cipherSuite()).matches(".*(_GCM_|CHACHA20).*");
        }
    }

    @Test
    void serverRefusesACbcOnlyClient() {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            OpenSslClient.Result r = OpenSslClient.run(dir, server.endpoint(), "",
                    "-tls1_2", "-cipher", CBC_ONLY, "-CAfile", "ca.pem");
            assertThat(r.output()).as(r.output()).containsIgnoringCase("handshake failure");
            assertThat(r.exitCode()).isNotZero();
        }
    }

    @Test
    void serverWithTheOptInAcceptsACbcOnlyClient() {
        // The scenario is a legacy peer, so the opt-in is the point of the test.
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().allowLegacyCbcCipherSuites().build())) {
            OpenSslClient.Result r = OpenSslClient.run(dir, server.endpoint(), "",
                    "-tls1_2", "-cipher", CBC_ONLY, "-CAfile", "ca.pem");
            assertThat(r.output()).as(r.output()).containsPattern("Cipher is ECDHE-ECDSA-AES(128-SHA256|256-SHA)")
                    .contains("Verify return code: 0 (ok)");
        }
    }

    @Test
    void serverStillSpeaksTls13AndAeadTls12ToOpenSsl() {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            OpenSslClient.Result r13 = OpenSslClient.run(dir, server.endpoint(), "", "-tls1_3", "-CAfile", "ca.pem");
            assertThat(r13.output()).as(r13.output()).contains("TLSv1.3").contains("Verify return code: 0 (ok)");
            OpenSslClient.Result r12 = OpenSslClient.run(dir, server.endpoint(), "", "-tls1_2", "-CAfile", "ca.pem");
            assertThat(r12.output()).as(r12.output()).containsPattern("Cipher is ECDHE-ECDSA-(AES\\d+-GCM|CHACHA20)");
        }
    }
}
