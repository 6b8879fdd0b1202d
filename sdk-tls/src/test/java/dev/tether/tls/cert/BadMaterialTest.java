package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unusable material fails with a typed error that names the file and says what was expected and found. */
class BadMaterialTest {
    @TempDir
    Path dir;

    private CertificateMaterialException failure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (Throwable t) {
                caught[0] = t;
                throw t;
            }
        }).isInstanceOf(CertificateMaterialException.class);
        return (CertificateMaterialException) caught[0];
    }

    @Test
    void corruptBase64IsReportedAsCorruptWithTheFileName() throws Exception {
        Path file = dir.resolve("broken.crt");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nMIIB!!!not base64***\n-----END CERTIFICATE-----\n");
        CertificateMaterialException e = failure(() -> Pem.readCertificates(file));
        assertThat(e.problem()).isEqualTo(Problem.CORRUPT);
        assertThat(e.getMessage()).startsWith(file.toString() + ": ");
        assertThat(e.source()).contains(file.toString());
    }

    @Test
    void truncatedPemIsCorrupt() throws Exception {
        KeyPair pair = KeyType.EC_P256.generate();
        String pem = Pem.encodePrivateKey(pair.getPrivate());
        Path file = dir.resolve("cut.key");
        Files.writeString(file, pem.substring(0, pem.length() / 2));
        CertificateMaterialException e = failure(() -> Pem.readPrivateKey(file, null));
        assertThat(e.problem()).isEqualTo(Problem.CORRUPT);
        assertThat(e.getMessage()).contains(file.toString()).contains("not valid PEM");
    }

    @Test
    void validBase64ThatIsNotACertificateIsCorrupt() throws Exception {
        Path file = dir.resolve("garbage.crt");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n");
        CertificateMaterialException e = failure(() -> Pem.readCertificates(file));
        assertThat(e.problem()).isEqualTo(Problem.CORRUPT);
        assertThat(e.getMessage()).contains("not a valid X.509 certificate");
    }

    @Test
    void wrongPasswordIsNamedAsSuch() throws Exception {
        Path file = dir.resolve("enc.key");
        Pem.writePrivateKey(file, KeyType.EC_P256.generate().getPrivate(), "right".toCharArray());
        CertificateMaterialException e = failure(() -> Pem.readPrivateKey(file, "wrong".toCharArray()));
        assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSWORD);
        assertThat(e.getMessage()).contains(file.toString()).contains("wrong password");
    }

    @Test
    void encryptedKeyWithoutPasswordAsksForOne() throws Exception {
        Path file = dir.resolve("enc.key");
        Pem.writePrivateKey(file, KeyType.EC_P256.generate().getPrivate(), "pw".toCharArray());
        CertificateMaterialException e = failure(() -> Pem.readPrivateKey(file, null));
        assertThat(e.problem()).isEqualTo(Problem.PASSWORD_REQUIRED);
        assertThat(e.getMessage()).contains(file.toString()).contains("no password");
    }

    @Test
    void certificateFileGivenAsKeySaysWhatItFound() throws Exception {
        OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "k.pem", "-subj", "/CN=x", "-days", "1", "-out", "c.pem").requireSuccess();
        Path certificate = dir.resolve("c.pem");
        CertificateMaterialException e = failure(() -> Pem.readPrivateKey(certificate, null));
        assertThat(e.problem()).isEqualTo(Problem.MISSING);
        assertThat(e.getMessage()).contains(certificate.toString()).contains("expected a private key")
                .contains("found CERTIFICATE");
    }

    @Test
    void keyFileGivenAsCertificateSaysWhatItFound() throws Exception {
        Path key = dir.resolve("k.pem");
        Pem.writePrivateKey(key, KeyType.EC_P256.generate().getPrivate(), null);
        CertificateMaterialException e = failure(() -> Pem.readCertificates(key));
        assertThat(e.problem()).isEqualTo(Problem.MISSING);
        assertThat(e.getMessage()).contains("found PRIVATE KEY");
    }

    @Test
    void emptyFileHasNoPemBlock() throws Exception {
        Path file = dir.resolve("empty.pem");
        Files.writeString(file, "");
        assertThat(failure(() -> Pem.readPrivateKey(file, null)).getMessage()).contains("no PEM block");
        assertThat(failure(() -> Pem.readCertificates(file)).getMessage()).contains("no PEM block");
    }

    @Test
    void twoKeysInOneFileAreAmbiguous() throws Exception {
        Path file = dir.resolve("two.pem");
        Files.writeString(file, Pem.encodePrivateKey(KeyType.EC_P256.generate().getPrivate())
                + Pem.encodePrivateKey(KeyType.EC_P256.generate().getPrivate()));
        assertThat(failure(() -> Pem.readPrivateKey(file, null)).problem()).isEqualTo(Problem.AMBIGUOUS);
    }

    @Test
    void keyNotMatchingCertificateIsRefused() throws Exception {
        OpenSsl.run(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "k.pem", "-subj", "/CN=mismatch", "-days", "1", "-out", "c.pem").requireSuccess();
        var certificate = Pem.readCertificate(dir.resolve("c.pem"));
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("k.pem"), null), certificate, "k.pem + c.pem");

        var otherKey = KeyType.EC_P256.generate().getPrivate();
        CertificateMaterialException e = failure(() -> Keys.requireMatch(otherKey, certificate, "other.pem + c.pem"));
        assertThat(e.problem()).isEqualTo(Problem.KEY_MISMATCH);
        assertThat(e.getMessage()).contains("other.pem + c.pem").contains("CN=mismatch").contains("EC P-256");
        assertThat(Keys.matches(KeyType.RSA_2048.generate().getPrivate(), certificate.getPublicKey())).isFalse();
        assertThat(Keys.matches(KeyType.ED25519.generate().getPrivate(), certificate.getPublicKey())).isFalse();
    }

    @Test
    void missingFileNamesThePath() {
        Path file = dir.resolve("nope.pem");
        assertThatThrownBy(() -> Pem.readCertificates(file)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(file.toString());
    }
}
