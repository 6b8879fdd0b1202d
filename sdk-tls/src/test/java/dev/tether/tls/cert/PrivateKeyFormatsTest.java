package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every private key encoding OpenSSL produces is read into a JDK key that belongs to the certificate
 * OpenSSL made from the same key.
 */
class PrivateKeyFormatsTest {
    private static final char[] PASSWORD = "s3cret-pass".toCharArray();

    @TempDir
    Path dir;

    private PublicKey certificateKeyFor(String keyFile, String... passArgs) throws Exception {
        String[] args = concat(new String[] {"req", "-new", "-x509", "-key", keyFile, "-subj", "/CN=fmt",
                "-days", "1", "-out", keyFile + ".crt"}, passArgs);
        OpenSsl.run(dir, args).requireSuccess();
        X509Certificate certificate = Pem.readCertificate(dir.resolve(keyFile + ".crt"));
        return certificate.getPublicKey();
    }

    @ParameterizedTest
    @ValueSource(strings = {"EC -pkeyopt ec_paramgen_curve:P-256", "EC -pkeyopt ec_paramgen_curve:P-384",
            "RSA -pkeyopt rsa_keygen_bits:2048", "ED25519"})
    void readsPlainPkcs8(String algorithm) throws Exception {
        OpenSsl.run(dir, concat(new String[] {"genpkey", "-algorithm"}, algorithm.split(" "),
                new String[] {"-out", "k.pem"})).requireSuccess();
        PrivateKey key = Pem.readPrivateKey(dir.resolve("k.pem"), null);
        assertThat(Keys.matches(key, certificateKeyFor("k.pem"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-v2 aes-256-cbc", "-v2 aes-256-cbc -v2prf hmacWithSHA512", "-scrypt"})
    void readsOpenSslEncryptedPkcs8(String scheme) throws Exception {
        OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "plain.pem")
                .requireSuccess();
        OpenSsl.run(dir, concat(new String[] {"pkcs8", "-topk8", "-in", "plain.pem", "-out", "enc.pem",
                "-passout", "pass:s3cret-pass"}, scheme.split(" "))).requireSuccess();
        assertThat(Pem.isEncryptedPrivateKey(dir.resolve("enc.pem"))).isTrue();
        PrivateKey key = Pem.readPrivateKey(dir.resolve("enc.pem"), PASSWORD);
        assertThat(key.getEncoded()).isEqualTo(Pem.readPrivateKey(dir.resolve("plain.pem"), null).getEncoded());
    }

    @Test
    void readsGenpkeyAes256Output() throws Exception {
        OpenSsl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-256-cbc",
                "-pass", "pass:s3cret-pass", "-out", "k.pem").requireSuccess();
        PrivateKey key = Pem.readPrivateKey(dir.resolve("k.pem"), PASSWORD);
        assertThat(Keys.matches(key, certificateKeyFor("k.pem", "-passin", "pass:s3cret-pass"))).isTrue();
    }

    @Test
    void readsPkcs1Rsa() throws Exception {
        OpenSsl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "k8.pem")
                .requireSuccess();
        OpenSsl.run(dir, "rsa", "-in", "k8.pem", "-traditional", "-out", "k1.pem").requireSuccess();
        assertThat(Files.readString(dir.resolve("k1.pem"))).contains("BEGIN RSA PRIVATE KEY");
        PrivateKey key = Pem.readPrivateKey(dir.resolve("k1.pem"), null);
        assertThat(Keys.matches(key, certificateKeyFor("k8.pem"))).isTrue();
    }

    @Test
    void readsLegacyEncryptedPkcs1Rsa() throws Exception {
        OpenSsl.run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "k8.pem")
                .requireSuccess();
        OpenSsl.run(dir, "rsa", "-in", "k8.pem", "-traditional", "-aes256", "-passout", "pass:s3cret-pass",
                "-out", "k1.pem").requireSuccess();
        assertThat(Files.readString(dir.resolve("k1.pem"))).contains("Proc-Type: 4,ENCRYPTED");
        PrivateKey key = Pem.readPrivateKey(dir.resolve("k1.pem"), PASSWORD);
        assertThat(Keys.matches(key, certificateKeyFor("k8.pem"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsSec1EcWithOrWithoutParametersBlock(boolean withParameters) throws Exception {
        if (withParameters) {
            OpenSsl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "k.pem").requireSuccess();
            assertThat(Files.readString(dir.resolve("k.pem"))).contains("BEGIN EC PARAMETERS");
        } else {
            OpenSsl.run(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "k.pem").requireSuccess();
        }
        assertThat(Files.readString(dir.resolve("k.pem"))).contains("BEGIN EC PRIVATE KEY");
        PrivateKey key = Pem.readPrivateKey(dir.resolve("k.pem"), null);
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        assertThat(Keys.matches(key, certificateKeyFor("k.pem"))).isTrue();
    }

    @Test
    void readsKeyFromFileThatAlsoHoldsCertificates() throws Exception {
        OpenSsl.run(dir, "genpkey", "-algorithm", "ED25519", "-out", "k.pem").requireSuccess();
        PublicKey certificateKey = certificateKeyFor("k.pem");
        Files.writeString(dir.resolve("both.pem"),
                Files.readString(dir.resolve("k.pem.crt")) + Files.readString(dir.resolve("k.pem")));
        PrivateKey key = Pem.readPrivateKey(dir.resolve("both.pem"), null);
        assertThat(Keys.matches(key, certificateKey)).isTrue();
        assertThat(Pem.readCertificates(dir.resolve("both.pem"))).hasSize(1);
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
