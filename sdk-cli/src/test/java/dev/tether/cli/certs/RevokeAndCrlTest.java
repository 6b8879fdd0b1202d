package dev.tether.cli.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.tls.cert.Pem;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tether certs revoke} records revocations; {@code tether certs crl} signs a CRL OpenSSL accepts. */
class RevokeAndCrlTest {
    @TempDir
    Path dir;

    @Test
    void revokeThenCrlListsTheCertificateAndOpenSslVerifiesIt() throws Exception {
        assertThat(Cli.run("certs", "init", "-o", dir.toString()).exitCode()).isZero();
        Cli.Result revoke = Cli.run("certs", "revoke", dir.resolve("server.crt").toString(), "--ca-dir", dir.toString());
        assertThat(revoke.exitCode()).as(revoke.toString()).isZero();
        assertThat(revoke.out()).contains("revoked: ").contains("1 certificate(s)");
        Cli.Result again = Cli.run("certs", "revoke", dir.resolve("server.crt").toString(), "--ca-dir", dir.toString());
        assertThat(again.out()).contains("already revoked").contains("1 certificate(s)");

        Cli.Result crl = Cli.run("certs", "crl", "--ca-dir", dir.toString(), "--days", "2");
        assertThat(crl.exitCode()).as(crl.toString()).isZero();
        Path file = dir.resolve("ca.crl");
        assertThat(Files.readString(file)).startsWith("-----BEGIN X509 CRL-----");
        X509CRL parsed = (X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(Files.readAllBytes(file)));
        X509Certificate server = Pem.readCertificate(dir.resolve("server.crt"));
        X509Certificate client = Pem.readCertificate(dir.resolve("client.crt"));
        parsed.verify(Pem.readCertificate(dir.resolve("ca.crt")).getPublicKey());
        assertThat(parsed.isRevoked(server)).isTrue();
        assertThat(parsed.isRevoked(client)).isFalse();

        // OpenSSL agrees: the signature verifies and the serial is listed.
        Process p = new ProcessBuilder("openssl", "crl", "-in", file.toString(), "-CAfile",
                dir.resolve("ca.crt").toString(), "-noout", "-text").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("verify OK")
                .containsIgnoringCase(server.getSerialNumber().toString(16).toUpperCase().replaceAll("^0+", ""));
    }

    @Test
    void aCertificateFromAnotherCaIsNotRevoked() {
        assertThat(Cli.run("certs", "init", "-o", dir.resolve("a").toString()).exitCode()).isZero();
        assertThat(Cli.run("certs", "init", "-o", dir.resolve("b").toString()).exitCode()).isZero();
        Cli.Result r = Cli.run("certs", "revoke", dir.resolve("b/server.crt").toString(), "--ca-dir",
                dir.resolve("a").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err() + r.out()).contains("was not issued by the CA");
        assertThat(dir.resolve("a/revoked.txt")).doesNotExist();
    }
}
