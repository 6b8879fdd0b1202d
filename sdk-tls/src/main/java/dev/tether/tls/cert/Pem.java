package dev.tether.tls.cert;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import dev.tether.tls.cert.internal.AtomicFiles;
import dev.tether.tls.cert.internal.PemCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes certificates and private keys in PEM, the format OpenSSL, Kubernetes secrets and most
 * servers use. Every method takes and returns JDK types only.
 *
 * <p>Private keys are read from all the encodings found in practice: PKCS#8 ({@code PRIVATE KEY}),
 * encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, PBES2 with PBKDF2 or scrypt), PKCS#1
 * ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}, with or without a preceding
 * {@code EC PARAMETERS} block) and the legacy OpenSSL encryption with {@code Proc-Type}/{@code DEK-Info}
 * headers. RSA, EC (P-256, P-384, P-521) and Ed25519 keys are supported. A file may hold a key together
 * with certificates; the reader picks what it was asked for. Files without any PEM block are tried as DER.
 *
 * <p>Keys are always written as PKCS#8, either plain or encrypted with PBES2 (AES-256-CBC with PBKDF2-HMAC-SHA256
 * by default, or scrypt; see {@link KeyEncryption}), which {@code openssl pkey -passin} reads. Files are written
 * atomically; key files get mode 0600 on POSIX file systems; existing files are kept unless
 * {@link ExistingFile#REPLACE} is passed.
 *
 * <p>Every failure is a {@link CertificateMaterialException} naming the file (or the given source) and
 * saying what was expected and what was found.
 */
public final class Pem {
    private static final String IN_MEMORY = "in-memory PEM";

    private Pem() {
    }

    // ----------------------------------------------------------------------------------------- reading

    /**
     * Reads every certificate in a PEM (or DER) file, in file order (a chain is leaf first by convention).
     *
     * @throws CertificateMaterialException if the file is corrupt or holds no certificate
     * @throws IOException                  if the file cannot be read
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        return PemCodec.certificates(read(file), file.toString());
    }

    /** Reads exactly one certificate; a file with none or several is an error. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        return single(readCertificates(file), file.toString());
    }

    /** Parses every certificate in PEM text; see {@link #readCertificates(Path)}. */
    public static List<X509Certificate> parseCertificates(String pem) throws CertificateMaterialException {
        return parseCertificates(pem, IN_MEMORY);
    }

    /**
     * Parses every certificate in PEM text.
     *
     * @param source names the origin in error messages (for example a secret's name)
     */
    public static List<X509Certificate> parseCertificates(String pem, String source)
            throws CertificateMaterialException {
        Objects.requireNonNull(pem, "pem");
        return PemCodec.certificates(pem.getBytes(StandardCharsets.UTF_8), source);
    }

    /** Parses every certificate in PEM (or DER) bytes. */
    public static List<X509Certificate> parseCertificates(byte[] pemOrDer, String source)
            throws CertificateMaterialException {
        Objects.requireNonNull(pemOrDer, "pemOrDer");
        return PemCodec.certificates(pemOrDer, source);
    }

    /**
     * Reads the one private key in a file.
     *
     * @param password the password of an encrypted key, or {@code null} when the key is not encrypted; it
     *                 is ignored for unencrypted keys and never retained
     * @throws CertificateMaterialException with {@link Problem#PASSWORD_REQUIRED},
     *                                      {@link Problem#WRONG_PASSWORD}, {@link Problem#MISSING},
     *                                      {@link Problem#AMBIGUOUS}, {@link Problem#CORRUPT} or
     *                                      {@link Problem#UNSUPPORTED}
     * @throws IOException                  if the file cannot be read
     */
    public static PrivateKey readPrivateKey(Path file, char[] password) throws IOException {
        return PemCodec.privateKey(read(file), password, file.toString());
    }

    /** Parses the one private key in PEM text; see {@link #readPrivateKey(Path, char[])}. */
    public static PrivateKey parsePrivateKey(String pem, char[] password) throws CertificateMaterialException {
        return parsePrivateKey(pem, password, IN_MEMORY);
    }

    /** Parses the one private key in PEM text, naming {@code source} in error messages. */
    public static PrivateKey parsePrivateKey(String pem, char[] password, String source)
            throws CertificateMaterialException {
        Objects.requireNonNull(pem, "pem");
        return PemCodec.privateKey(pem.getBytes(StandardCharsets.UTF_8), password, source);
    }

    /** Parses the one private key in PEM (or DER PKCS#8) bytes, naming {@code source} in error messages. */
    public static PrivateKey parsePrivateKey(byte[] pemOrDer, char[] password, String source)
            throws CertificateMaterialException {
        Objects.requireNonNull(pemOrDer, "pemOrDer");
        return PemCodec.privateKey(pemOrDer, password, source);
    }

    /** Whether the private key in this PEM text is encrypted (and so needs a password to be read). */
    public static boolean isEncryptedPrivateKey(Path file) throws IOException {
        return PemCodec.isEncryptedKey(read(file), file.toString());
    }

    // ----------------------------------------------------------------------------------------- writing

    /** PEM text of one certificate. */
    public static String encodeCertificate(X509Certificate certificate) {
        return PemCodec.encodeCertificates(List.of(certificate));
    }

    /** PEM text of certificates in the given order (a chain: leaf first, then the intermediates). */
    public static String encodeCertificates(List<X509Certificate> certificates) {
        return PemCodec.encodeCertificates(certificates);
    }

    /** PEM text of an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}). */
    public static String encodePrivateKey(PrivateKey key) {
        return PemCodec.encodePrivateKey(key, null, KeyEncryption.PBKDF2_AES_256);
    }

    /**
     * PEM text of a PKCS#8 private key encrypted with {@code password} ({@code BEGIN ENCRYPTED PRIVATE KEY},
     * PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256 at 600,000 iterations, the OWASP recommendation). The
     * iterations are what make guessing the password slow, so encrypting or reading such a key takes about
     * half a second of CPU. A {@code null} password writes the key unencrypted.
     */
    public static String encodePrivateKey(PrivateKey key, char[] password) {
        return PemCodec.encodePrivateKey(key, password, KeyEncryption.PBKDF2_AES_256);
    }

    /** PEM text of a PKCS#8 private key encrypted with {@code password} the given way. */
    public static String encodePrivateKey(PrivateKey key, char[] password, KeyEncryption encryption) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(encryption, "encryption");
        return PemCodec.encodePrivateKey(key, password, encryption);
    }

    /** Writes certificates as PEM, refusing to replace an existing file. */
    public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
        writeCertificates(file, certificates, ExistingFile.FAIL);
    }

    /** Writes certificates as PEM atomically (mode 0644 on POSIX, subject to the umask). */
    public static void writeCertificates(Path file, List<X509Certificate> certificates, ExistingFile existing)
            throws IOException {
        AtomicFiles.write(file, encodeCertificates(certificates).getBytes(StandardCharsets.US_ASCII),
                AtomicFiles.Visibility.PUBLIC, existing);
    }

    /** Writes a PKCS#8 private key (encrypted when {@code password} is not null), refusing to replace a file. */
    public static void writePrivateKey(Path file, PrivateKey key, char[] password) throws IOException {
        writePrivateKey(file, key, password, ExistingFile.FAIL);
    }

    /**
     * Writes a PKCS#8 private key atomically, created with mode 0600 on POSIX file systems.
     *
     * @param password encrypts the key when not {@code null}
     */
    public static void writePrivateKey(Path file, PrivateKey key, char[] password, ExistingFile existing)
            throws IOException {
        writePrivateKey(file, key, password, KeyEncryption.PBKDF2_AES_256, existing);
    }

    /** Writes a PKCS#8 private key atomically with mode 0600, encrypted the given way when a password is given. */
    public static void writePrivateKey(Path file, PrivateKey key, char[] password, KeyEncryption encryption,
            ExistingFile existing) throws IOException {
        Objects.requireNonNull(encryption, "encryption");
        AtomicFiles.write(file, PemCodec.encodePrivateKey(key, password, encryption)
                .getBytes(StandardCharsets.US_ASCII), AtomicFiles.Visibility.SECRET, existing);
    }

    // ----------------------------------------------------------------------------------------- helpers

    private static byte[] read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file does not exist");
        }
    }

    private static X509Certificate single(List<X509Certificate> certificates, String source)
            throws CertificateMaterialException {
        if (certificates.size() != 1) {
            throw new CertificateMaterialException(Problem.AMBIGUOUS, source,
                    "expected exactly one certificate, found " + certificates.size());
        }
        return certificates.get(0);
    }
}
