package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a server certificate can be wrong fails with its own typed, non-retryable exception. */
class CertificateVerificationTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir.resolve("main"));
    }

    private static TlsConnection connect(TlsConfig config, Endpoint endpoint) throws Exception {
        return new TlsConnector(SocketConnector.create(), config).connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
    }

    private static TlsEchoServer serverWith(String name) {
        return TlsEchoServer.start(TlsConfig.builder().keyMaterial(certs.file(name + ".pem"), certs.file(name + ".key")).build());
    }

    @Test
    void expiredCertificateNamesItsDates() {
        HeldCertificate expired = certs.issueExpiredServer();
        try (TlsEchoServer server = serverWith("expired")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.localhostEndpoint()))
                    .isInstanceOfSatisfying(CertificateValidityException.class, e -> {
                        assertThat(e.kind()).isEqualTo(CertificateValidityException.Kind.EXPIRED);
                        assertThat(e.notAfter()).isEqualTo(expired.certificate().getNotAfter().toInstant());
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.requestNotSent()).isTrue();
                    })
                    .hasMessageContaining("expired at " + expired.certificate().getNotAfter().toInstant());
        }
    }

    @Test
    void notYetValidCertificate() {
        Instant now = Instant.now();
        certs.issueServer("future", b -> b.addDnsName("localhost").validity(now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(3))));
        try (TlsEchoServer server = serverWith("future")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.localhostEndpoint()))
                    .isInstanceOfSatisfying(CertificateValidityException.class,
                            e -> assertThat(e.kind()).isEqualTo(CertificateValidityException.Kind.NOT_YET_VALID))
                    .hasMessageContaining("not valid until");
        }
    }

    @Test
    void wrongHostnameListsTheCertificateNames() {
        certs.issueServer("other", b -> b.addDnsName("other.example").addIpAddress("10.9.8.7"));
        try (TlsEchoServer server = serverWith("other")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.localhostEndpoint()))
                    .isInstanceOfSatisfying(HostnameMismatchException.class, e -> {
                        assertThat(e.expectedName()).isEqualTo("localhost");
                        assertThat(e.certificateNames()).containsExactly("DNS:other.example", "IP:10.9.8.7");
                    })
                    .hasMessageContaining("not for 'localhost'")
                    .hasMessageContaining("DNS:other.example");
        }
    }

    @Test
    void ipAddressIsVerifiedAgainstIpSans() throws Exception {
        certs.issueServer("dnsonly", b -> b.addDnsName("localhost"));
        try (TlsEchoServer good = TlsEchoServer.start(certs.serverConfig().build());
             TlsConnection c = connect(certs.clientConfig().build(), good.endpoint())) {
            assertThat(Echo.roundTrip(c, "by ip")).isEqualTo("by ip");
        }
        try (TlsEchoServer server = serverWith("dnsonly")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.endpoint()))
                    .isInstanceOf(HostnameMismatchException.class)
                    .hasMessageContaining("not for '127.0.0.1'");
        }
    }

    @Test
    void serverNameOverridesTheHostForVerification() throws Exception {
        certs.issueServer("named", b -> b.addDnsName("db.internal.example"));
        try (TlsEchoServer server = serverWith("named");
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint().withServerName("db.internal.example"))) {
            assertThat(c.peerCertificates().get(0).getSubjectX500Principal().getName()).contains("CN=named");
        }
    }

    @Test
    void insecureOptOutAcceptsAnyNameOnATrustedCertificate() throws Exception {
        certs.issueServer("other2", b -> b.addDnsName("other.example"));
        try (TlsEchoServer server = serverWith("other2");
             TlsConnection c = connect(certs.clientConfig().insecureDisableHostnameVerification().build(),
                     server.localhostEndpoint())) {
            assertThat(Echo.roundTrip(c, "x")).isEqualTo("x");
        }
    }

    @Test
    void selfSignedCertificateIsUntrusted() {
        certs.issueSelfSignedServer();
        try (TlsEchoServer server = serverWith("selfsigned")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.localhostEndpoint()))
                    .isInstanceOfSatisfying(UntrustedCertificateException.class,
                            e -> assertThat(e.chain()).hasSize(1))
                    .hasMessageContaining("self-signed certificate 'CN=localhost'")
                    .hasMessageContaining("CA file " + certs.caFile());
        }
    }

    @Test
    void certificateFromAnotherCaIsUntrustedAndNamesTheIssuer() {
        CertSet other = CertSet.create(dir.resolve("other"), "Some Other CA");
        try (TlsEchoServer server = TlsEchoServer.start(other.serverConfig().build())) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.localhostEndpoint()))
                    .isInstanceOf(UntrustedCertificateException.class)
                    .hasMessageContaining("ends at issuer CN=Some Other CA")
                    .hasMessageContaining("Tether Test CA");
        }
    }

    @Test
    void systemTrustDoesNotTrustATestCa() {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            assertThatThrownBy(() -> connect(TlsConfig.defaults(), server.localhostEndpoint()))
                    .isInstanceOf(UntrustedCertificateException.class)
                    .hasMessageContaining("JDK default trust store");
        }
    }

    @Test
    void matchingPinAmongSeveralIsAccepted() throws Exception {
        String caPin = CertificatePins.sha256(certs.ca().certificate());
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             TlsConnection c = connect(certs.clientConfig()
                     .pins("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", caPin).build(), server.localhostEndpoint())) {
            assertThat(Echo.roundTrip(c, "pinned")).isEqualTo("pinned");
        }
    }

    @Test
    void pinMismatchListsExpectedAndActualPins() {
        String leafPin = CertificatePins.sha256(certs.server().certificate());
        String unrelated = CertificatePins.sha256(CertSet.create(dir.resolve("pins"), "Unrelated").ca().certificate());
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            assertThatThrownBy(() -> connect(certs.clientConfig().pins(unrelated).build(), server.localhostEndpoint()))
                    .isInstanceOfSatisfying(PinMismatchException.class, e -> {
                        assertThat(e.expectedPins()).containsExactly(unrelated);
                        assertThat(e.actualPins()).contains(leafPin, CertificatePins.sha256(certs.ca().certificate()));
                    })
                    .hasMessageContaining(leafPin);
        }
    }
}
