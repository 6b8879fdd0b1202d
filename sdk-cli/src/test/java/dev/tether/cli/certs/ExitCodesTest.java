package dev.tether.cli.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.cli.ExitCodes;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of failure gets its own exit code and a message naming what to fix. */
class ExitCodesTest {
    @TempDir
    Path dir;

    private Cli.Result expect(int code, String... args) {
        Cli.Result result = Cli.run(args);
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(code);
        return result;
    }

    @Test
    void usageErrorsAreTwoAndDoNothing() throws Exception {
        expect(ExitCodes.USAGE);
        expect(ExitCodes.USAGE, "certs");
        expect(ExitCodes.USAGE, "certs", "frobnicate");
        expect(ExitCodes.USAGE, "certs", "init", "--no-such-option");
        assertThat(expect(ExitCodes.USAGE, "certs", "init", "--out", dir.toString(), "--key-type", "rsa-1024").err())
                .contains("rsa-1024").contains("ec-p256");
        assertThat(expect(ExitCodes.USAGE, "certs", "server", "--out", dir.toString(), "--ip", "not-an-ip").err())
                .contains("not-an-ip");
        assertThat(expect(ExitCodes.USAGE, "certs", "server", "--out", dir.toString()).err())
                .contains("give a name");
        assertThat(expect(ExitCodes.USAGE, "certs", "init", "--out", dir.toString(), "--days", "0").err())
                .contains("--days must be a positive number of days: 0");
        expect(ExitCodes.USAGE, "certs", "sign");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void missingCaFileIsAFailureNamingIt() {
        Cli.Result result = expect(ExitCodes.FAILURE, "certs", "server", "--out", dir.toString(), "--dns", "x.internal");
        assertThat(result.err()).contains("file not found").contains(dir.resolve("ca.crt").toString());
    }

    @Test
    void existingOutputIsThree() {
        expect(ExitCodes.OK, "certs", "ca", "--out", dir.toString());
        Cli.Result result = expect(ExitCodes.FILE_EXISTS, "certs", "ca", "--out", dir.toString());
        assertThat(result.err()).contains("--force");
    }

    @Test
    void corruptCaFileIsFourAndNamed() throws Exception {
        expect(ExitCodes.OK, "certs", "ca", "--out", dir.toString());
        Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
        Cli.Result result = expect(ExitCodes.BAD_MATERIAL, "certs", "server", "--out", dir.toString(), "--dns", "x");
        assertThat(result.err()).contains(dir.resolve("ca.crt").toString()).contains("not valid PEM");
    }

    @Test
    void wrongOrMissingCaPasswordIsFour() throws Exception {
        Path password = dir.resolve("pass");
        Files.writeString(password, "right\n");
        expect(ExitCodes.OK, "certs", "ca", "--out", dir.toString(), "--key-password-file", password.toString());

        Cli.Result missing = expect(ExitCodes.BAD_MATERIAL, "certs", "server", "--out", dir.toString(), "--dns", "x");
        assertThat(missing.err()).contains(dir.resolve("ca.key").toString()).contains("no password");

        Files.writeString(password, "wrong\n");
        Cli.Result wrong = expect(ExitCodes.BAD_MATERIAL, "certs", "server", "--out", dir.toString(), "--dns", "x",
                "--ca-password-file", password.toString());
        assertThat(wrong.err()).contains(dir.resolve("ca.key").toString()).contains("wrong password");
    }

    @Test
    void expiredCaIsFourWithItsDates() throws Exception {
        Instant now = Instant.now();
        HeldCertificate.builder().commonName("Expired CA").certificateAuthority(0)
                .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).build()
                .write(dir.resolve("ca.crt"), dir.resolve("ca.key"), null, ExistingFile.FAIL);
        Cli.Result result = expect(ExitCodes.BAD_MATERIAL, "certs", "client", "--out", dir.toString(), "--cn", "c");
        assertThat(result.err()).contains(dir.resolve("ca.crt").toString()).contains("CN=Expired CA")
                .contains("expired on");
    }

    @Test
    void keyNotMatchingTheCaIsFour() throws Exception {
        expect(ExitCodes.OK, "certs", "ca", "--out", dir.toString());
        expect(ExitCodes.OK, "certs", "ca", "--out", dir.toString(), "--name", "other");
        Cli.Result result = expect(ExitCodes.BAD_MATERIAL, "certs", "server", "--out", dir.toString(), "--dns", "x",
                "--ca-key", dir.resolve("other.key").toString());
        assertThat(result.err()).contains("does not belong").contains("other.key");
    }

    @Test
    void policyRefusalsAreFive() throws Exception {
        expect(ExitCodes.OK, "certs", "ca", "--out", dir.toString());
        Path request = dir.resolve("spiffe.csr");
        CertificateRequest.builder().commonName("svc").addUri("spiffe://example.org/svc").build(
                KeyType.EC_P256.generate()).write(request, ExistingFile.FAIL);
        Cli.Result forbidden = expect(ExitCodes.REFUSED, "certs", "sign", request.toString(), "--ca-dir",
                dir.toString(), "--allow-names", "dns,ip");
        assertThat(forbidden.err()).contains("refusing to sign").contains("URI:spiffe://example.org/svc");

        Cli.Result tooLong = expect(ExitCodes.REFUSED, "certs", "sign", request.toString(), "--ca-dir", dir.toString(),
                "--days", "400");
        assertThat(tooLong.err()).contains("at most 397");
        assertThat(dir.resolve("spiffe.crt")).doesNotExist();
    }
}
