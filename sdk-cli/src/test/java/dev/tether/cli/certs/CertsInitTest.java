package dev.tether.cli.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.cli.ExitCodes;
import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.Keys;
import dev.tether.tls.cert.Pem;
import dev.tether.tls.cert.Pkcs12;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tether certs init} makes a working development PKI and never silently replaces one. */
class CertsInitTest {
    private static final List<String> FILES = List.of("ca.crt", "ca.key", "server.crt", "server.key", "client.crt",
            "client.key");

    @TempDir
    Path dir;

    private Cli.Result init(String... extra) {
        String[] args = new String[extra.length + 4];
        args[0] = "certs";
        args[1] = "init";
        args[2] = "--out";
        args[3] = dir.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return Cli.run(args);
    }

    @Test
    void writesCaServerAndClientWithPrivateKeysOwnerOnly() throws Exception {
        Cli.Result result = init();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("development only").contains("curl --cacert");
        for (String file : FILES) {
            Path path = dir.resolve(file);
            assertThat(path).exists();
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
            if (file.endsWith(".key")) {
                assertThat(mode).as(file).isEqualTo("rw-------");
            } else {
                assertThat(mode.substring(3)).as(file + " not writable by others").doesNotContain("w");
            }
        }

        X509Certificate ca = Pem.readCertificate(dir.resolve("ca.crt"));
        X509Certificate server = Pem.readCertificate(dir.resolve("server.crt"));
        X509Certificate client = Pem.readCertificate(dir.resolve("client.crt"));
        server.verify(ca.getPublicKey());
        client.verify(ca.getPublicKey());
        assertThat(CertificateInfo.of(ca).isCertificateAuthority()).isTrue();
        assertThat(CertificateInfo.of(server).subjectAlternativeNames()).containsExactly(
                SubjectAlternativeName.dns("localhost"), SubjectAlternativeName.ip("127.0.0.1"),
                SubjectAlternativeName.ip("::1"));
        assertThat(CertificateInfo.of(server).keyPurposes()).containsExactly(KeyPurpose.SERVER_AUTH);
        assertThat(CertificateInfo.of(client).keyPurposes()).containsExactly(KeyPurpose.CLIENT_AUTH);
        assertThat(CertificateInfo.of(client).commonName()).contains("tether-dev-client");
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("server.key"), null), server, "server.key");
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("client.key"), null), client, "client.key");
        assertThat(HeldCertificate.load(dir.resolve("ca.crt"), dir.resolve("ca.key"), null).info().isSelfSigned())
                .isTrue();
    }

    @Test
    void openSslAcceptsTheServerAndClientCertificates() throws Exception {
        assertThat(init().exitCode()).isZero();
        for (String[] check : new String[][] {{"sslserver", "server.crt"}, {"sslclient", "client.crt"}}) {
            Process process = new ProcessBuilder("openssl", "verify", "-x509_strict", "-purpose", check[0],
                    "-CAfile", "ca.crt", check[1]).directory(dir.toFile()).redirectErrorStream(true).start();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String output = new String(process.getInputStream().readAllBytes());
                assertThat(process.exitValue()).as(output).isZero();
                assertThat(output).contains(check[1] + ": OK");
            } finally {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void refusesToOverwriteAnExistingPkiUnlessForced() throws Exception {
        assertThat(init().exitCode()).isZero();
        String caBefore = Files.readString(dir.resolve("ca.crt"));
        String keyBefore = Files.readString(dir.resolve("ca.key"));

        Cli.Result again = init();
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FILE_EXISTS);
        assertThat(again.err()).contains("refusing to overwrite").contains(dir.resolve("ca.key").toString())
                .contains("--force");
        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(caBefore);
        assertThat(Files.readString(dir.resolve("ca.key"))).isEqualTo(keyBefore);

        Cli.Result forced = init("--force");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(Files.readString(dir.resolve("ca.crt"))).isNotEqualTo(caBefore);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void onlyOneExistingFileIsEnoughToRefuseAndNothingIsWritten() throws Exception {
        Files.writeString(dir.resolve("client.key"), "keep me");
        Cli.Result result = init();
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FILE_EXISTS);
        assertThat(dir.resolve("ca.crt")).doesNotExist();
        assertThat(Files.readString(dir.resolve("client.key"))).isEqualTo("keep me");
    }

    @Test
    void encryptsKeysAndWritesPkcs12StoresWhenGivenPasswords() throws Exception {
        Files.writeString(dir.resolve("key.pass"), "key secret\n");
        Files.writeString(dir.resolve("p12.pass"), "store secret\n");
        Path out = dir.resolve("pki");
        Cli.Result result = Cli.run("certs", "init", "--out", out.toString(), "--key-type", "rsa-2048",
                "--key-password-file", dir.resolve("key.pass").toString(),
                "--p12-password-file", dir.resolve("p12.pass").toString(), "--host", "dev.internal");
        assertThat(result.exitCode()).as(result.toString()).isZero();

        assertThat(Files.readString(out.resolve("server.key"))).contains("BEGIN ENCRYPTED PRIVATE KEY");
        assertThat(Pem.isEncryptedPrivateKey(out.resolve("ca.key"))).isTrue();
        HeldCertificate server = HeldCertificate.load(out.resolve("server.crt"), out.resolve("server.key"),
                "key secret".toCharArray());
        assertThat(server.info().keyDescription()).isEqualTo("RSA 2048");
        assertThat(server.info().subjectAlternativeNames()).contains(SubjectAlternativeName.dns("dev.internal"));

        HeldCertificate fromStore = Pkcs12.read(out.resolve("client.p12"), "store secret".toCharArray());
        assertThat(fromStore.certificate()).isEqualTo(Pem.readCertificate(out.resolve("client.crt")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("client.p12"))))
                .isEqualTo("rw-------");
        assertThat(Pkcs12.readCertificates(out.resolve("truststore.p12"), "store secret".toCharArray()))
                .containsExactly(Pem.readCertificate(out.resolve("ca.crt")));
    }
}
