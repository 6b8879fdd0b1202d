package dev.tether.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.OpenSslServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether probe} against real {@code openssl s_server} peers, each set up wrong in one way, with
 * certificates from Tether's own tooling: each failure gets its own exit code, a sentence saying what is wrong
 * and one saying what to do, and the chain when a certificate is to blame.
 */
class ProbeMisconfiguredServersTest {
    @TempDir
    Path dir;

    @Test
    void aHealthyServerReportsProtocolCipherTimingsAndTheVerifiedChain() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (OpenSslServer server = OpenSslServer.start(certs)) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains(": OK").contains("protocol      TLSv1.3").contains("cipher suite  TLS_")
                    .contains("server name   localhost: matches the certificate")
                    .contains("handshake").contains(" ms, full (not resumed)")
                    .containsPattern("2nd handshake [0-9.]+ ms connect and handshake, resumed the session")
                    .contains("[0] CN=localhost").contains("issuer     CN=Tether Test CA")
                    .contains("DNS:localhost").contains("days left")
                    .contains("SPKI pin   " + certs.server().info().spkiPin());
        }
    }

    @Test
    void anExpiredCertificateExitsWith7AndSaysWhen() throws Exception {
        CertSet certs = CertSet.create(dir);
        certs.issueExpiredServer();
        try (OpenSslServer server = OpenSslServer.start(certs.dir(), "-cert", "expired.pem", "-key", "expired.key")) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
            assertThat(r.out()).contains("certificate expired or not yet valid (exit 7)")
                    .contains("problem: The server's certificate expired on ").contains("(1 day ago)")
                    .contains("fix:     Renew the server's certificate")
                    .contains("[0] CN=expired").contains("EXPIRED 1 day ago");
        }
    }

    @Test
    void aCertificateForAnotherNameExitsWith6AndListsItsNames() throws Exception {
        CertSet certs = CertSet.create(dir);
        certs.issueServer("other", b -> b.addDnsName("other.example").addDnsName("*.other.example"));
        try (OpenSslServer server = OpenSslServer.start(certs.dir(), "-cert", "other.pem", "-key", "other.key")) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
            assertThat(r.out()).contains("hostname mismatch (exit 6)")
                    .contains("valid for DNS:other.example, DNS:*.other.example, not for 'localhost'")
                    .contains("--sni NAME")
                    .contains("name 'localhost' does not match the leaf")
                    .contains("[0] CN=other");

            // The same server checked under a name it has: the certificate passes.
            Cli.Result named = Cli.run("probe", "127.0.0.1:" + server.port(), "--sni", "api.other.example",
                    "--ca", certs.caFile().toString(), "--timeout", "10s");
            assertThat(named.exitCode()).as(named.toString()).isZero();
            assertThat(named.out()).contains("server name   api.other.example: matches the certificate");
        }
    }

    @Test
    void aCertificateFromAnUnknownCaExitsWith5AndNamesTheIssuer() throws Exception {
        CertSet trusted = CertSet.create(dir.resolve("trusted"));
        CertSet other = CertSet.create(dir.resolve("other"), "Other Team CA");
        try (OpenSslServer server = OpenSslServer.start(other)) {
            Cli.Result r = probe(server, "--ca", trusted.caFile().toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
            assertThat(r.out()).contains("certificate not trusted (exit 5)")
                    .contains("signed by 'CN=Other Team CA', which is not in the CA file given with --ca")
                    .contains("pass its certificate with --ca FILE")
                    .contains("[0] CN=localhost").contains("issuer     CN=Other Team CA");
        }
    }

    @Test
    void aSelfSignedCertificateExitsWith5AndSaysSelfSigned() throws Exception {
        CertSet certs = CertSet.create(dir);
        certs.issueSelfSignedServer();
        try (OpenSslServer server = OpenSslServer.start(certs.dir(), "-cert", "selfsigned.pem", "-key",
                "selfsigned.key")) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
            assertThat(r.out()).contains("presented a self-signed certificate (CN=localhost)")
                    .contains("self-signed");
        }
    }

    @Test
    void aServerRequiringClientCertificatesExitsWith8WithoutOneAnd0WithOne() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (OpenSslServer server = OpenSslServer.start(certs, "-Verify", "1", "-CAfile", "ca.pem")) {
            Cli.Result without = probe(server, "--ca", certs.caFile().toString());
            assertThat(without.exitCode()).as(without.toString()).isEqualTo(8);
            assertThat(without.out()).contains("requires a client certificate (mutual TLS) and none was given")
                    .contains("Pass --cert FILE --key FILE");
        }
        try (OpenSslServer server = OpenSslServer.start(certs, "-Verify", "1", "-CAfile", "ca.pem")) {
            Cli.Result with = probe(server, "--ca", certs.caFile().toString(),
                    "--cert", certs.clientCertFile().toString(), "--key", certs.clientKeyFile().toString());
            assertThat(with.exitCode()).as(with.toString()).isZero();
            assertThat(with.out()).contains("client cert   sent \"CN=tether-client\"");
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRejectedWithExit8() throws Exception {
        CertSet certs = CertSet.create(dir.resolve("server"));
        CertSet stranger = CertSet.create(dir.resolve("stranger"), "Stranger CA");
        // s_server only logs a failed client verification unless told to fail the handshake on it.
        try (OpenSslServer server = OpenSslServer.start(certs, "-Verify", "1", "-CAfile", "ca.pem",
                "-verify_return_error")) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString(),
                    "--cert", stranger.clientCertFile().toString(), "--key", stranger.clientKeyFile().toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(8);
            assertThat(r.out()).contains("rejected the client certificate");
        }
    }

    @Test
    void aTls12OnlyServerProbedWithTls13OnlyExitsWith9() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (OpenSslServer server = OpenSslServer.start(certs, "-tls1_2")) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString(), "--tls1.3");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(9);
            assertThat(r.out()).contains("no TLS protocol version or cipher suite (offered: TLSv1.3)")
                    .contains("Drop --tls1.2/--tls1.3");
            Cli.Result both = probe(server, "--ca", certs.caFile().toString());
            assertThat(both.exitCode()).as(both.toString()).isZero();
            assertThat(both.out()).contains("protocol      TLSv1.2");
        }
    }

    @Test
    void jsonCarriesTheSameFindings() throws Exception {
        CertSet certs = CertSet.create(dir);
        certs.issueExpiredServer();
        try (OpenSslServer server = OpenSslServer.start(certs.dir(), "-cert", "expired.pem", "-key", "expired.key")) {
            Cli.Result r = probe(server, "--ca", certs.caFile().toString(), "--json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(7);
            assertThat(r.out()).containsPattern("\"ok\": false")
                    .containsPattern("\"exitCode\": 7")
                    .containsPattern("\"outcome\": \"certificate_not_valid_now\"")
                    .containsPattern("\"problem\": \"The server's certificate expired on [^\"]+\"")
                    .containsPattern("\"daysLeft\": -1")
                    .containsPattern("\"spkiPin\": \"sha256/[A-Za-z0-9+/=]{44}\"");
        }
        try (OpenSslServer server = OpenSslServer.start(certs)) {
            Cli.Result ok = probe(server, "--ca", certs.caFile().toString(), "--json");
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.out()).containsPattern("\"ok\": true").containsPattern("\"protocol\": \"TLSv1.3\"")
                    .containsPattern("\"handshakeMillis\": [0-9.]+").containsPattern("\"nameMatched\": true")
                    .containsPattern("\"notAfter\": \"" + Instant.now().toString().substring(0, 4));
        }
    }

    private static Cli.Result probe(OpenSslServer server, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "probe";
        args[1] = "localhost:" + server.port();
        args[2] = "--timeout";
        args[3] = Duration.ofSeconds(10).toSeconds() + "s";
        System.arraycopy(options, 0, args, 4, options.length);
        return Cli.run(args);
    }
}
