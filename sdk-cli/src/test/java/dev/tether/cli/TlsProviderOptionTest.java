package dev.tether.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.serve.EchoProtocol;
import dev.tether.cli.serve.EchoServer;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.testing.CertSet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tls-provider}: demo, bench and probe run on OpenSSL when asked (and say so), against a server on the
 * other provider too; an unknown name is a usage error. serve shares the same option class.
 */
class TlsProviderOptionTest {
    @TempDir
    Path dir;

    @Test
    void demoRunsOnOpenSslAndSaysSo() {
        Cli.Result r = Cli.run("demo", "--dir", dir.resolve("pki").toString(), "--duration", "1s",
                "--concurrency", "2", "--tls-provider", "openssl");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("TLS provider   OpenSSL").contains("errors         0");
    }

    @Test
    void benchAndProbeOnOpenSslAgainstAJdkServer() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = EchoServer.builder().protocol(EchoProtocol.LINE)
                .tls(certs.serverConfig().provider(TlsProvider.JDK).build()).build()) {
            server.start();
            String target = "localhost:" + server.endpoint().port();
            Cli.Result bench = Cli.run("bench", target, "--protocol", "line", "--requests", "200", "--concurrency", "2",
                    "--ca", certs.caFile().toString(), "--tls-provider", "openssl");
            assertThat(bench.exitCode()).as(bench.toString()).isZero();
            assertThat(bench.out()).contains("TLS (OpenSSL)").contains("errors         0");

            Cli.Result probe = Cli.run("probe", target, "--ca", certs.caFile().toString(), "--tls-provider", "openssl");
            assertThat(probe.exitCode()).as(probe.toString()).isZero();

            Cli.Result jdk = Cli.run("bench", target, "--protocol", "line", "--requests", "50",
                    "--ca", certs.caFile().toString());
            assertThat(jdk.out()).as("the default stays the JDK").contains("TLS (JDK)");
        }
    }

    @Test
    void anUnknownProviderIsAUsageError() {
        Cli.Result r = Cli.run("probe", "localhost:1", "--tls-provider", "gnutls");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("unknown TLS provider 'gnutls'");
    }
}
