package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server side of reloading: a {@link TlsAcceptor} built on a {@link ReloadingTlsConfig} presents a renewed
 * certificate to new connections once its files change, while connections made before keep working; and a
 * server config without key material is refused when the acceptor is built, not at the first handshake.
 */
class ServerCertificateReloadTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir.resolve("certs"));
    }

    @Test
    void newConnectionsGetTheReloadedServerCertificate() throws Exception {
        Path cert = dir.resolve("served/server.pem");
        Path key = dir.resolve("served/server.key");
        Files.createDirectories(cert.getParent());
        certs.server().write(cert, key, null, ExistingFile.REPLACE);
        BigInteger firstSerial = certs.server().certificate().getSerialNumber();

        // Resumption off on the client only: a resumed session would report the certificate of the first
        // handshake, and this test must see what the server presents now.
        TlsConfig client = certs.clientConfig().sessionResumption(false).build();
        TlsConnector connector = new TlsConnector(SocketConnector.create(), client);
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(TlsConfig.builder().keyMaterial(cert, key))
                     .pollInterval(Duration.ofHours(1)).start();
             TlsEchoServer server = TlsEchoServer.start(reloading)) {
            try (TlsConnection before = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                assertThat(Echo.roundTrip(before, "one")).isEqualTo("one");
                assertThat(before.peerCertificates().get(0).getSerialNumber()).isEqualTo(firstSerial);

                HeldCertificate renewed = certs.issueServer("renewed-server", b -> b.addDnsName("localhost")
                        .addIpAddress("127.0.0.1"));
                renewed.write(cert, key, null, ExistingFile.REPLACE);
                assertThat(reloading.checkNow()).isTrue();
                assertThat(reloading.generation()).isEqualTo(2);

                try (TlsConnection after = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                    assertThat(Echo.roundTrip(after, "two")).isEqualTo("two");
                    assertThat(after.peerCertificates().get(0).getSerialNumber())
                            .isEqualTo(renewed.certificate().getSerialNumber()).isNotEqualTo(firstSerial);
                    assertThat(after.peerCertificates().get(0).getSubjectX500Principal().getName())
                            .isEqualTo("CN=renewed-server");
                }
                // The connection made with the old certificate is not disturbed by the reload.
                assertThat(Echo.roundTrip(before, "still open")).isEqualTo("still open");
            }
        }
    }

    @Test
    void aServerConfigWithoutKeyMaterialIsRefused() {
        TlsConfig trustOnly = certs.clientConfig().build();
        assertThatThrownBy(() -> new TlsAcceptor(trustOnly))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("needs a certificate and private key");
        assertThatThrownBy(() -> new TlsAcceptor(TlsConfig.defaults()))
                .isInstanceOf(TlsConfigException.class);
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(certs.clientConfig())
                .pollInterval(Duration.ofHours(1)).start()) {
            assertThatThrownBy(() -> new TlsAcceptor(reloading))
                    .isInstanceOf(TlsConfigException.class)
                    .hasMessageContaining("keyMaterial");
        }
    }
}
