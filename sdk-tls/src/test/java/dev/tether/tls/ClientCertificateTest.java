package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslServer;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS against OpenSSL and Tether's server: a client certificate is presented and verified, and a
 * missing or refused one fails as {@link ClientCertificateException} (with TLS 1.3 on the first read, since
 * the server checks it after the client finished its handshake).
 */
class ClientCertificateTest {
    @TempDir
    static Path dir;
    static CertSet certs;
    static CertSet otherCa;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir.resolve("main"));
        otherCa = CertSet.create(dir.resolve("other"), "Foreign CA");
    }

    private static TlsConnection connect(TlsConfig config, Endpoint endpoint) throws Exception {
        return new TlsConnector(SocketConnector.create(), config).connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
    }

    /** Connects and reads once: the server's verdict on the client certificate arrives by then at the latest. */
    private static void connectAndRead(TlsConfig config, Endpoint endpoint) throws Exception {
        try (TlsConnection c = connect(config, endpoint)) {
            c.write(ByteBuffer.wrap("hi\n".getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
            c.read(ByteBuffer.allocate(64), Deadline.after(Duration.ofSeconds(5)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslVerifiesThePresentedCertificate(String protocol) throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, protocol, "-Verify", "1", "-CAfile", "ca.pem", "-naccept", "1");
             TlsConnection c = connect(certs.mutualClientConfig().build(), server.endpoint())) {
            c.write(ByteBuffer.wrap("mutual\n".getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
            server.awaitOutput("mutual", Duration.ofSeconds(5));
            assertThat(server.output()).contains("subject=CN = tether-client").contains("verify return:1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslRequiringACertificateWhenNoneIsConfigured(String protocol) {
        try (OpenSslServer server = OpenSslServer.start(certs, protocol, "-Verify", "1", "-CAfile", "ca.pem", "-naccept", "1")) {
            assertThatThrownBy(() -> connectAndRead(certs.clientConfig().build(), server.endpoint()))
                    .isInstanceOfSatisfying(ClientCertificateException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ClientCertificateException.Reason.REQUIRED);
                        assertThat(e.requestNotSent()).isTrue();
                        assertThat(e.isRetryable()).isFalse();
                    })
                    .hasMessageContaining("none is configured");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslRejectingACertificateFromAnotherCa(String protocol) {
        try (OpenSslServer server = OpenSslServer.start(certs, protocol, "-Verify", "1", "-verify_return_error", "-CAfile", "ca.pem", "-naccept", "1")) {
            TlsConfig foreign = certs.clientConfig().keyMaterial(otherCa.clientCertFile(), otherCa.clientKeyFile()).build();
            assertThatThrownBy(() -> connectAndRead(foreign, server.endpoint()))
                    .isInstanceOfSatisfying(ClientCertificateException.class,
                            e -> assertThat(e.reason()).isEqualTo(ClientCertificateException.Reason.REJECTED))
                    .hasMessageContaining("issued by 'CN=Foreign CA'");
        }
    }

    @Test
    void tetherServerRequiringCertificatesSeesTheClientChain() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
             TlsConnection c = connect(certs.mutualClientConfig().build(), server.localhostEndpoint())) {
            assertThat(Echo.roundTrip(c, "hello")).isEqualTo("hello");
            assertThat(server.lastClientChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tether-client");
        }
    }

    @Test
    void tetherServerRequiringCertificatesWithoutOne() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build())) {
            assertThatThrownBy(() -> connectAndRead(certs.clientConfig().build(), server.localhostEndpoint()))
                    .isInstanceOfSatisfying(ClientCertificateException.class,
                            e -> assertThat(e.reason()).isEqualTo(ClientCertificateException.Reason.REQUIRED));
            assertThat(server.nextHandshake(Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(ClientCertificateException.class,
                            e -> assertThat(e.getMessage()).contains("presented no certificate"));
        }
    }

    @Test
    void tetherServerRejectsAClientFromAnotherCa() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build())) {
            TlsConfig foreign = certs.clientConfig().keyMaterial(otherCa.clientCertFile(), otherCa.clientKeyFile()).build();
            assertThatThrownBy(() -> connectAndRead(foreign, server.localhostEndpoint()))
                    .isInstanceOfSatisfying(ClientCertificateException.class,
                            e -> assertThat(e.reason()).isEqualTo(ClientCertificateException.Reason.REJECTED));
            assertThat(server.nextHandshake(Duration.ofSeconds(5)))
                    .isInstanceOfSatisfying(UntrustedCertificateException.class,
                            e -> assertThat(e.getMessage()).contains("the client's certificate chain"));
        }
    }

    @Test
    void requestedClientAuthAcceptsClientsWithoutCertificates() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUESTED).build());
             TlsConnection c = connect(certs.clientConfig().build(), server.localhostEndpoint())) {
            assertThat(Echo.roundTrip(c, "anonymous")).isEqualTo("anonymous");
        }
    }
}
