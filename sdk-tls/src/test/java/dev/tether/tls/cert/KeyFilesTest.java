package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keys we write are private on disk, never clobber existing files, and open in OpenSSL. */
class KeyFilesTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "RSA_2048", "ED25519"})
    void encryptedPkcs8OpensWithOpenSslAndWithUs(KeyType type) throws Exception {
        KeyPair pair = type.generate();
        Path file = dir.resolve("key.pem");
        Pem.writePrivateKey(file, pair.getPrivate(), PASSWORD);

        assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        OpenSsl.Result result = OpenSsl.run(dir, "pkey", "-in", "key.pem", "-passin", "pass:correct horse",
                "-pubout").requireSuccess();
        String output = result.output();
        String base64 = output.substring(output.indexOf("-----BEGIN PUBLIC KEY-----") + 26,
                output.indexOf("-----END PUBLIC KEY-----")).replaceAll("\\s", "");
        assertThat(Base64.getDecoder().decode(base64))
                .as("OpenSSL derives the public key we hold").isEqualTo(pair.getPublic().getEncoded());

        PrivateKey back = Pem.readPrivateKey(file, PASSWORD);
        assertThat(Keys.matches(back, pair.getPublic())).isTrue();
    }

    @Test
    void plainPkcs8OpensWithOpenSsl() throws Exception {
        KeyPair pair = KeyType.EC_P256.generate();
        Pem.writePrivateKey(dir.resolve("key.pem"), pair.getPrivate(), null);
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        OpenSsl.run(dir, "pkey", "-in", "key.pem", "-noout").requireSuccess();
        assertThat(Pem.readPrivateKey(dir.resolve("key.pem"), null).getEncoded())
                .isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void keyFilesAreOwnerOnlyAndCertificatesAreNot() throws Exception {
        KeyPair pair = KeyType.EC_P256.generate();
        Path key = dir.resolve("sub/dir/key.pem");
        Pem.writePrivateKey(key, pair.getPrivate(), null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        try (var listing = Files.list(key.getParent())) {
            assertThat(listing).as("no temporary file left behind").containsExactly(key);
        }
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws Exception {
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "precious");
        PrivateKey fresh = KeyType.EC_P256.generate().getPrivate();

        assertThatThrownBy(() -> Pem.writePrivateKey(key, fresh, null))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(key.toString());
        assertThat(Files.readString(key)).isEqualTo("precious");

        Pem.writePrivateKey(key, fresh, null, ExistingFile.REPLACE);
        assertThat(Pem.readPrivateKey(key, null).getEncoded()).isEqualTo(fresh.getEncoded());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    }

    @Test
    void heldCertificateWritesNeitherFileWhenOneExists() throws Exception {
        HeldCertificate held = HeldCertificate.builder().commonName("pair").build();
        Path certificate = dir.resolve("pair.crt");
        Path key = dir.resolve("pair.key");
        Files.writeString(certificate, "old certificate");

        assertThatThrownBy(() -> held.write(certificate, key, null, ExistingFile.FAIL))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("pair.crt");
        assertThat(key).doesNotExist();
        assertThat(Files.readString(certificate)).isEqualTo("old certificate");

        held.write(certificate, key, null, ExistingFile.REPLACE);
        assertThat(HeldCertificate.load(certificate, key, null).certificate()).isEqualTo(held.certificate());
    }

    @Test
    void scryptEncryptedPkcs8OpensWithOpenSslAndWithUs() throws Exception {
        KeyPair pair = KeyType.EC_P256.generate();
        Path file = dir.resolve("scrypt.pem");
        Pem.writePrivateKey(file, pair.getPrivate(), PASSWORD, KeyEncryption.SCRYPT_AES_256, ExistingFile.FAIL);
        assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        String parsed = OpenSsl.run(dir, "asn1parse", "-in", "scrypt.pem").requireSuccess().output();
        assertThat(parsed).contains(":scrypt").contains(":aes-256-cbc");
        OpenSsl.run(dir, "pkey", "-in", "scrypt.pem", "-passin", "pass:correct horse", "-noout").requireSuccess();
        assertThat(Pem.readPrivateKey(file, PASSWORD).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        assertThat(OpenSsl.run(dir, "pkey", "-in", "scrypt.pem", "-passin", "pass:wrong", "-noout").exitCode())
                .isNotZero();
    }
}
