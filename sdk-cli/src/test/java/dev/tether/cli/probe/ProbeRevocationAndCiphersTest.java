package dev.tether.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.tls.testing.OpenSslOcsp;
import dev.tether.tls.testing.OpenSslServer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether probe} reports the stapled OCSP status and the revocation result (exit 12 for a revoked
 * certificate), and recognises a server that speaks only the legacy CBC suites Tether no longer offers by
 * default, naming the opt-in. Real peers: openssl s_server stapling responses made by openssl ocsp, with the
 * development PKI of {@code tether certs init}.
 */
class ProbeRevocationAndCiphersTest {
    @TempDir
    Path dir;
    Path pki;

    @BeforeEach
    void pki() {
        pki = dir.resolve("pki");
        Cli.Result init = Cli.run("certs", "init", "-o", pki.toString());
        assertThat(init.exitCode()).as(init.toString()).isZero();
    }

    private OpenSslServer stapling(boolean revoked) throws Exception {
        Path response = OpenSslOcsp.response(dir, revoked ? "revoked" : "good", pki.resolve("ca.crt"),
                pki.resolve("ca.key"), pki.resolve("server.crt"), revoked);
        return OpenSslServer.start(pki, "-cert", "server.crt", "-key", "server.key", "-status_file", response.toString());
    }

    private Cli.Result probe(OpenSslServer server, String... options) {
        String[] args = new String[options.length + 6];
        args[0] = "probe";
        args[1] = "localhost:" + server.port();
        args[2] = "--timeout";
        args[3] = "10s";
        args[4] = "--ca";
        args[5] = pki.resolve("ca.crt").toString();
        System.arraycopy(options, 0, args, 6, options.length);
        return Cli.run(args);
    }

    @Test
    void aStapledGoodResponseIsShown() throws Exception {
        try (OpenSslServer server = stapling(false)) {
            Cli.Result r = probe(server);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("stapled OCSP  1 response stapled")
                    .contains("revocation    good (stapled OCSP, soft-fail)");
            Cli.Result json = probe(server, "--json", "--revocation", "hard");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.out()).contains("\"revocation\": \"good\"").contains("\"revocationSource\": \"stapled_ocsp\"")
                    .contains("\"revocationMode\": \"HARD_FAIL\"");
        }
    }

    @Test
    void aStapledRevokedResponseExitsWith12() throws Exception {
        try (OpenSslServer server = stapling(true)) {
            Cli.Result r = probe(server);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(12);
            assertThat(r.out()).contains("certificate revoked (exit 12)")
                    .contains("problem: The server's certificate is revoked: the stapled OCSP response says")
                    .contains("fix:     The server needs a new certificate");
        }
    }

    @Test
    void noStapleAndNoUrlsIsUnknownSoftPassesHardFails() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(pki, "-cert", "server.crt", "-key", "server.key")) {
            Cli.Result soft = probe(server);
            assertThat(soft.exitCode()).as(soft.toString()).isZero();
            assertThat(soft.out()).contains("stapled OCSP  none").contains("revocation    unknown (no answer, soft-fail)");
            Cli.Result hard = probe(server, "--revocation", "hard");
            assertThat(hard.exitCode()).as(hard.toString()).isEqualTo(11);
            assertThat(hard.out()).contains("The revocation status of the server's certificate is unknown");
            Cli.Result off = probe(server, "--revocation", "off");
            assertThat(off.exitCode()).as(off.toString()).isZero();
            assertThat(off.out()).contains("revocation    not checked (--revocation off)");
        }
    }

    @Test
    void aCbcOnlyServerIsNamedAndTheOptInWorks() throws Exception {
        try (OpenSslServer server = OpenSslServer.start(pki, "-cert", "server.crt", "-key", "server.key", "-tls1_2",
                "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA")) {
            Cli.Result r = probe(server);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(9);
            assertThat(r.out()).contains("The server offers only legacy CBC cipher suites")
                    .contains("--allow-legacy-cbc");
            Cli.Result legacy = probe(server, "--allow-legacy-cbc");
            assertThat(legacy.exitCode()).as(legacy.toString()).isZero();
            assertThat(legacy.out()).containsPattern("cipher suite  TLS_ECDHE_ECDSA_WITH_AES_(128|256)_CBC_");
        }
    }
}
