package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
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

/** Negotiates TLS 1.3 and TLS 1.2 with OpenSSL and with Tether's own server, and refuses what it must. */
class ProtocolVersionTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    private static TlsConnection connect(TlsConfig config, dev.tether.core.Endpoint endpoint) throws Exception {
        return new TlsConnector(SocketConnector.create(), config).connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
    }

    @Test
    void tls13OnlyOpenSslServer() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_3", "-naccept", "1");
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            assertThat(c.protocol()).isEqualTo("TLSv1.3");
            c.write(ByteBuffer.wrap("hello over 1.3\n".getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
            server.awaitOutput("hello over 1.3", Duration.ofSeconds(5));
        }
    }

    @Test
    void tls12OnlyOpenSslServer() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_2", "-naccept", "1");
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            assertThat(c.protocol()).isEqualTo("TLSv1.2");
            assertThat(c.cipherSuite()).startsWith("TLS_ECDHE_");
            server.type("hello from openssl");
            ByteBuffer buf = ByteBuffer.allocate(100);
            StringBuilder got = new StringBuilder();
            while (!got.toString().contains("hello from openssl")) {
                buf.clear();
                int n = c.read(buf, Deadline.after(Duration.ofSeconds(5)));
                assertThat(n).isPositive();
                got.append(new String(buf.array(), 0, n, StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void tls13InJvmServerEchoes() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().protocols("TLSv1.3").build());
             TlsConnection c = connect(certs.clientConfig().build(), server.endpoint())) {
            assertThat(c.protocol()).isEqualTo("TLSv1.3");
            assertThat(Echo.roundTrip(c, "ping")).isEqualTo("ping");
        }
    }

    @Test
    void tls12InJvmServerEchoes() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().protocols("TLSv1.2").build());
             TlsConnection c = connect(certs.clientConfig().build(), server.localhostEndpoint())) {
            assertThat(c.protocol()).isEqualTo("TLSv1.2");
            assertThat(Echo.roundTrip(c, "ping")).isEqualTo("ping");
        }
    }

    @Test
    void clientLimitedTo13AgainstServerLimitedTo12FailsAsNoCommonProtocol() {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_2", "-naccept", "1")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().protocols("TLSv1.3").build(), server.endpoint()))
                    .isInstanceOf(NoCommonProtocolException.class)
                    .hasMessageContaining("[TLSv1.3]")
                    .satisfies(e -> assertThat(((TlsHandshakeException) e).isRetryable()).isFalse())
                    .satisfies(e -> assertThat(((TlsHandshakeException) e).requestNotSent()).isTrue());
        }
    }

    @Test
    void serverOnlySpeakingTls11IsRefused() {
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-naccept", "1")) {
            assertThatThrownBy(() -> connect(certs.clientConfig().build(), server.endpoint()))
                    .isInstanceOf(NoCommonProtocolException.class)
                    .hasMessageContaining("TLSv1.3, TLSv1.2");
        }
    }

    @Test
    void noCommonCipherSuite() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384").build())) {
            assertThatThrownBy(() -> connect(certs.clientConfig().protocols("TLSv1.2")
                    .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").build(), server.endpoint()))
                    .isInstanceOf(NoCommonProtocolException.class)
                    .hasMessageContaining("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        }
    }

    @Test
    void alpnIsNegotiated() throws Exception {
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().applicationProtocols("tether/1").build());
             TlsConnection c = connect(certs.clientConfig().applicationProtocols("tether/2", "tether/1").build(),
                     server.endpoint())) {
            assertThat(c.applicationProtocol()).contains("tether/1");
        }
    }
}
