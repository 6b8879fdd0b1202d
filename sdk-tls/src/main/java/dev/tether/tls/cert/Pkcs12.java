package dev.tether.tls.cert;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import dev.tether.tls.cert.internal.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * PKCS#12 key stores ({@code .p12}), the format Java, browsers, Windows and macOS import. Uses the JDK's
 * own PKCS#12 implementation, which since JDK 17 protects keys with PBES2/AES-256 and an HMAC-SHA256 MAC;
 * OpenSSL 3 reads and writes the same algorithms.
 */
public final class Pkcs12 {
    /** The alias a key entry is written under. */
    public static final String KEY_ALIAS = "tether";

    private Pkcs12() {
    }

    /** Encodes a certificate chain and private key as PKCS#12, protected by {@code password}. */
    public static byte[] encode(HeldCertificate held, char[] password) {
        Objects.requireNonNull(held, "held");
        requirePassword(password);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, held.privateKey(), password, held.chain().toArray(new Certificate[0]));
            return store(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encode PKCS#12: " + e.getMessage(), e);
        }
    }

    /** Encodes certificates as trusted entries (a trust store), aliases {@code ca-1}, {@code ca-2}, .... */
    public static byte[] encodeTrustStore(List<X509Certificate> trusted, char[] password) {
        Objects.requireNonNull(trusted, "trusted");
        requirePassword(password);
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("trusted certificates must not be empty");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("ca-" + (i + 1), trusted.get(i));
            }
            return store(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encode PKCS#12 trust store: " + e.getMessage(), e);
        }
    }

    /** Writes {@link #encode} atomically with mode 0600. */
    public static void write(Path file, HeldCertificate held, char[] password, ExistingFile existing)
            throws IOException {
        AtomicFiles.write(file, encode(held, password), AtomicFiles.Visibility.SECRET, existing);
    }

    /** Writes {@link #encodeTrustStore} atomically (it holds no secret, but is written 0644). */
    public static void writeTrustStore(Path file, List<X509Certificate> trusted, char[] password,
            ExistingFile existing) throws IOException {
        AtomicFiles.write(file, encodeTrustStore(trusted, password), AtomicFiles.Visibility.PUBLIC, existing);
    }

    /**
     * Reads the one private key entry of a PKCS#12 file with its certificate chain.
     *
     * @throws CertificateMaterialException {@link Problem#WRONG_PASSWORD}, {@link Problem#CORRUPT},
     *                                      {@link Problem#MISSING} (no key entry), {@link Problem#AMBIGUOUS}
     *                                      (several) or {@link Problem#KEY_MISMATCH}
     */
    public static HeldCertificate read(Path file, char[] password) throws IOException {
        return decode(Files.readAllBytes(file), password, file.toString());
    }

    /** Decodes PKCS#12 bytes; see {@link #read(Path, char[])}. */
    public static HeldCertificate decode(byte[] pkcs12, char[] password, String source)
            throws CertificateMaterialException {
        KeyStore store = load(pkcs12, password, source);
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.isEmpty()) {
                throw new CertificateMaterialException(Problem.MISSING, source,
                        "expected a private key entry but the key store holds only trusted certificates");
            }
            if (keyAliases.size() > 1) {
                throw new CertificateMaterialException(Problem.AMBIGUOUS, source,
                        "expected one private key entry but found " + keyAliases.size() + ": " + keyAliases);
            }
            String alias = keyAliases.get(0);
            Key key;
            try {
                key = store.getKey(alias, password);
            } catch (UnrecoverableKeyException e) {
                throw new CertificateMaterialException(Problem.WRONG_PASSWORD, source,
                        "the key entry '" + alias + "' has a different password than the store", e);
            }
            if (!(key instanceof PrivateKey)) {
                throw new CertificateMaterialException(Problem.MISSING, source,
                        "expected a private key in entry '" + alias + "' but found a secret key");
            }
            Certificate[] chain = store.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                throw new CertificateMaterialException(Problem.MISSING, source,
                        "the key entry '" + alias + "' has no certificate");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : chain) {
                certificates.add((X509Certificate) certificate);
            }
            Keys.requireMatch((PrivateKey) key, certificates.get(0), source);
            return HeldCertificate.of(certificates.get(0), (PrivateKey) key, certificates.subList(1, certificates.size()));
        } catch (GeneralSecurityException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "cannot read the key entry (" + e.getMessage() + ")", e);
        }
    }

    /** Reads every certificate of a PKCS#12 file (trusted entries and key entries' chains). */
    public static List<X509Certificate> readCertificates(Path file, char[] password) throws IOException {
        String source = file.toString();
        KeyStore store = load(Files.readAllBytes(file), password, source);
        List<X509Certificate> result = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                Certificate[] chain = store.isKeyEntry(alias) ? store.getCertificateChain(alias)
                        : new Certificate[] {store.getCertificate(alias)};
                if (chain != null) {
                    for (Certificate certificate : chain) {
                        if (certificate instanceof X509Certificate && !result.contains(certificate)) {
                            result.add((X509Certificate) certificate);
                        }
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source, "cannot list entries (" + e.getMessage()
                    + ")", e);
        }
        if (result.isEmpty()) {
            throw new CertificateMaterialException(Problem.MISSING, source, "the key store holds no certificate");
        }
        return List.copyOf(result);
    }

    private static KeyStore load(byte[] bytes, char[] password, String source) throws CertificateMaterialException {
        requirePassword(password);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new CertificateMaterialException(Problem.WRONG_PASSWORD, source,
                        "cannot open the PKCS#12 key store: wrong password, or the file is damaged", e);
            }
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "not a valid PKCS#12 key store (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "not a valid PKCS#12 key store (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] store(KeyStore store, char[] password) throws GeneralSecurityException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password);
        return out.toByteArray();
    }

    private static void requirePassword(char[] password) {
        Objects.requireNonNull(password, "password (PKCS#12 stores are always password protected here)");
    }
}
