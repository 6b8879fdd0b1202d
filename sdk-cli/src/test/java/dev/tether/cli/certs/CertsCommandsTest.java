package dev.tether.cli.certs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.Keys;
import dev.tether.tls.cert.Pem;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The individual {@code tether certs} commands, driven in-process against a fresh CA. */
class CertsCommandsTest {
    @TempDir
    Path dir;

    private String out;

    @BeforeEach
    void ca() {
        out = dir.toString();
        ok("certs", "ca", "--out", out, "--cn", "Commands Root");
    }

    private Cli.Result ok(String... args) {
        Cli.Result result = Cli.run(args);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void caIsARootWithPathLengthOneAndAnIntermediateCanBeMadeBelowIt() throws Exception {
        X509Certificate root = Pem.readCertificate(dir.resolve("ca.crt"));
        assertThat(CertificateInfo.of(root).isSelfSigned()).isTrue();
        assertThat(root.getBasicConstraints()).isEqualTo(1);
        assertThat(mode(dir.resolve("ca.key"))).isEqualTo("rw-------");

        ok("certs", "ca", "--out", out, "--name", "issuing", "--cn", "Issuing CA", "--issuer-cert",
                dir.resolve("ca.crt").toString(), "--issuer-key", dir.resolve("ca.key").toString());
        X509Certificate intermediate = Pem.readCertificate(dir.resolve("issuing.crt"));
        intermediate.verify(root.getPublicKey());
        assertThat(intermediate.getBasicConstraints()).isZero();
        assertThat(intermediate.getNotAfter()).isBeforeOrEqualTo(root.getNotAfter());

        // A server signed by the intermediate carries the intermediate in its file.
        ok("certs", "server", "--out", out, "--dns", "deep.internal", "--ca-cert", dir.resolve("issuing.crt").toString(),
                "--ca-key", dir.resolve("issuing.key").toString());
        List<X509Certificate> chain = Pem.readCertificates(dir.resolve("deep.internal.crt"));
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(intermediate);
        assertThat(CertificateInfo.of(chain.get(0)).commonName()).contains("deep.internal");
    }

    @Test
    void serverCertificateCoversEveryGivenName() throws Exception {
        Cli.Result result = ok("certs", "server", "--out", out, "--cn", "api", "--dns", "api.local", "--dns",
                "*.api.local", "--ip", "10.0.0.5", "--san", "fd00::5", "--key-type", "ec-p384", "--days", "30");
        assertThat(result.out()).contains("api.crt").contains("api.key");
        X509Certificate certificate = Pem.readCertificate(dir.resolve("api.crt"));
        CertificateInfo info = CertificateInfo.of(certificate);
        assertThat(info.subjectAlternativeNames()).containsExactly(SubjectAlternativeName.dns("api.local"),
                SubjectAlternativeName.dns("*.api.local"), SubjectAlternativeName.ip("10.0.0.5"),
                SubjectAlternativeName.ip("fd00::5"));
        assertThat(info.keyDescription()).isEqualTo("EC P-384");
        assertThat(info.keyPurposes()).containsExactly(KeyPurpose.SERVER_AUTH);
        assertThat(info.daysToExpiry()).isBetween(29L, 30L);
        assertThat(mode(dir.resolve("api.key"))).isEqualTo("rw-------");
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("api.key"), null), certificate, "api.key");
    }

    @Test
    void serverWithOnlyACommonNameUsesItAsTheSan() throws Exception {
        ok("certs", "server", "--out", out, "--cn", "db.internal");
        assertThat(CertificateInfo.of(Pem.readCertificate(dir.resolve("db.internal.crt"))).subjectAlternativeNames())
                .containsExactly(SubjectAlternativeName.dns("db.internal"));
    }

    @Test
    void clientCertificateWithSpiffeIdAndOptionallyBothPurposes() throws Exception {
        ok("certs", "client", "--out", out, "--cn", "billing", "--uri", "spiffe://example.org/ns/prod/sa/billing");
        CertificateInfo client = CertificateInfo.of(Pem.readCertificate(dir.resolve("billing.crt")));
        assertThat(client.keyPurposes()).containsExactly(KeyPurpose.CLIENT_AUTH);
        assertThat(client.subjectAlternativeNames())
                .containsExactly(SubjectAlternativeName.uri("spiffe://example.org/ns/prod/sa/billing"));

        ok("certs", "client", "--out", out, "--cn", "peer.internal", "--also-server");
        CertificateInfo peer = CertificateInfo.of(Pem.readCertificate(dir.resolve("peer.internal.crt")));
        assertThat(peer.keyPurposes()).containsExactly(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH);
    }

    @Test
    void csrThenSignProducesACertificateForTheRequestKey() throws Exception {
        ok("certs", "csr", "--out", out, "--cn", "svc", "--dns", "svc.internal", "--server");
        Path request = dir.resolve("svc.csr");
        assertThat(CertificateRequest.read(request).requestedPurposes()).containsExactly(KeyPurpose.SERVER_AUTH);
        assertThat(mode(dir.resolve("svc.key"))).isEqualTo("rw-------");

        Cli.Result signed = ok("certs", "sign", request.toString(), "--ca-dir", out, "--days", "45");
        assertThat(signed.out()).contains("svc.crt");
        X509Certificate certificate = Pem.readCertificate(dir.resolve("svc.crt"));
        certificate.verify(Pem.readCertificate(dir.resolve("ca.crt")).getPublicKey());
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("svc.key"), null), certificate, "svc.key");
        assertThat(CertificateInfo.of(certificate).daysToExpiry()).isBetween(44L, 45L);
    }

    @Test
    void inspectDescribesCertificatesAndRequests() throws Exception {
        ok("certs", "server", "--out", out, "--dns", "shown.internal");
        ok("certs", "csr", "--out", out, "--cn", "asking", "--client");
        Cli.Result result = ok("certs", "inspect", dir.resolve("shown.internal.crt").toString(),
                dir.resolve("asking.csr").toString());
        CertificateInfo info = CertificateInfo.of(Pem.readCertificate(dir.resolve("shown.internal.crt")));
        assertThat(result.out()).contains("Subject:    CN=shown.internal").contains("DNS:shown.internal")
                .contains("Issuer:     CN=Commands Root").contains(info.sha256Fingerprint()).contains(info.spkiPin())
                .contains("days left").contains("Purposes:   serverAuth")
                .contains("certificate signing request (signature verified)").contains("CLIENT_AUTH");
    }

    @Test
    void pinPrintsTheLeafPinOrEveryPinOfAChain() throws Exception {
        ok("certs", "server", "--out", out, "--dns", "pinned.internal");
        X509Certificate leaf = Pem.readCertificate(dir.resolve("pinned.internal.crt"));
        Cli.Result single = ok("certs", "pin", dir.resolve("pinned.internal.crt").toString());
        assertThat(single.out().trim()).isEqualTo(CertificateInfo.spkiPin(leaf));

        Path chainFile = dir.resolve("chain.pem");
        Files.writeString(chainFile, Files.readString(dir.resolve("pinned.internal.crt"))
                + Files.readString(dir.resolve("ca.crt")));
        Cli.Result all = ok("certs", "pin", "--all", chainFile.toString());
        assertThat(all.out().lines()).containsExactly(
                CertificateInfo.spkiPin(leaf) + "  CN=pinned.internal",
                CertificateInfo.spkiPin(Pem.readCertificate(dir.resolve("ca.crt"))) + "  "
                        + Pem.readCertificate(dir.resolve("ca.crt")).getSubjectX500Principal().getName());
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        Cli.Result top = ok("--help");
        assertThat(top.out()).contains("certs").contains("Exit codes:").contains("usage error");
        Cli.Result certs = ok("certs", "--help");
        assertThat(certs.out()).contains("init", "ca", "server", "client", "csr", "sign", "inspect", "pin");
        Cli.Result init = ok("certs", "init", "--help");
        assertThat(init.out()).contains("--out").contains("certs/dev").contains("--force").contains("ec-p256");
    }
}
