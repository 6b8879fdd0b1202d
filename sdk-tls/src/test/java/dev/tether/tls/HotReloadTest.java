package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client certificate mounted like a Kubernetes secret ({@code client.pem -> ..data/client.pem}, with
 * {@code ..data} a symlink swapped atomically) is rotated while connections are open: new connections present
 * the new certificate with a higher generation, open ones keep working, and broken files keep the last good
 * material.
 */
class HotReloadTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir.resolve("certs"));
    }

    /** Writes {@code cert} into a new timestamped directory and points {@code ..data} at it atomically. */
    private static void publish(Path secret, String version, HeldCertificate cert) throws Exception {
        Path versionDir = secret.resolve("..v" + version);
        Files.createDirectories(versionDir);
        cert.write(versionDir.resolve("client.pem"), versionDir.resolve("client.key"), null, ExistingFile.REPLACE);
        swapData(secret, versionDir);
    }

    private static void swapData(Path secret, Path versionDir) throws Exception {
        Path tmp = secret.resolve("..data_tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, versionDir.getFileName());
        Files.move(tmp, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String name : new String[] {"client.pem", "client.key"}) {
            if (!Files.isSymbolicLink(secret.resolve(name))) {
                Files.createSymbolicLink(secret.resolve(name), Path.of("..data", name));
            }
        }
    }

    private static String clientName(TlsEchoServer server) {
        return server.lastClientChain().get(0).getSubjectX500Principal().getName();
    }

    @Test
    void rotatedClientCertificateIsUsedForNewConnections() throws Exception {
        Path secret = dir.resolve("secret");
        Files.createDirectories(secret);
        publish(secret, "1", certs.client());
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
             ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(certs.clientConfig()
                             .keyMaterial(secret.resolve("client.pem"), secret.resolve("client.key")))
                     .pollInterval(Duration.ofMillis(50)).start()) {
            TlsConnector connector = new TlsConnector(SocketConnector.create(), reloading);
            assertThat(connector.generation()).isEqualTo(1);
            try (TlsConnection first = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                assertThat(Echo.roundTrip(first, "a")).isEqualTo("a");
                assertThat(clientName(server)).isEqualTo("CN=tether-client");
                assertThat(first.generation()).isEqualTo(1);

                publish(secret, "2", certs.issueClient("rotated-client"));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connector.generation() == 2);

                try (TlsConnection second = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                    assertThat(Echo.roundTrip(second, "b")).isEqualTo("b");
                    assertThat(clientName(server)).isEqualTo("CN=rotated-client");
                    assertThat(second.generation()).isEqualTo(2);
                }
                assertThat(Echo.roundTrip(first, "still open")).isEqualTo("still open");
                assertThat(first.generation()).isEqualTo(1);
            }

            // A half-written secret: the key does not belong to the certificate. The last good material stays.
            Path broken = secret.resolve("..v3");
            Files.createDirectories(broken);
            certs.issueClient("other-a").write(broken.resolve("client.pem"), broken.resolve("unused.key"), null, ExistingFile.REPLACE);
            certs.issueClient("other-b").write(broken.resolve("unused.pem"), broken.resolve("client.key"), null, ExistingFile.REPLACE);
            swapData(secret, broken);
            assertThat(reloading.checkNow()).isFalse();
            assertThat(reloading.lastFailure()).get().asString().contains("client.key").doesNotContain("PRIVATE KEY");
            assertThat(connector.generation()).isEqualTo(2);
            try (TlsConnection third = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                assertThat(Echo.roundTrip(third, "c")).isEqualTo("c");
                assertThat(clientName(server)).isEqualTo("CN=rotated-client");
            }

            publish(secret, "4", certs.client());
            // The 50 ms poller and checkNow() race for the change. The reloader compares against the fingerprint it
            // took before building (it would rather reload twice than miss a change), so both may build: the
            // generation ends at 3 or 4, and then stays.
            reloading.checkNow();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connector.generation() >= 3);
            assertThat(reloading.lastFailure()).isEmpty();
            long settled = connector.generation();
            assertThat(settled).isLessThanOrEqualTo(4);
            assertThat(reloading.checkNow()).isFalse();
            assertThat(connector.generation()).isEqualTo(settled);
            try (TlsConnection fourth = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                assertThat(Echo.roundTrip(fourth, "d")).isEqualTo("d");
                assertThat(clientName(server)).isEqualTo("CN=tether-client");
            }
        }
    }

    @Test
    void unchangedFilesDoNotBumpTheGeneration() throws Exception {
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(certs.mutualClientConfig())
                .pollInterval(Duration.ofHours(1)).start()) {
            assertThat(reloading.checkNow()).isFalse();
            assertThat(reloading.generation()).isEqualTo(1);
            assertThat(reloading.files()).containsExactly(certs.caFile(), certs.clientCertFile(), certs.clientKeyFile());
        }
    }

    @Test
    void unusableFilesAtStartFailFast() {
        assertThatThrownBy(() -> ReloadingTlsConfig.watching(certs.clientConfig()
                .keyMaterial(certs.clientCertFile(), dir.resolve("missing.key"))).start())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("missing.key");
    }
}
