package dev.tether.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI for one test run, made with the host's {@code openssl} binary: a CA and leaf
 * certificates (EC P-256, valid two days) as PEM files that can be copied into containers.
 *
 * <p>A stand-in so the container infrastructure can be proven before the SDK's own certificate
 * tooling lands; scenarios switch to that tooling once it can issue the same material.
 */
public final class OpensslPki {

    private static final Pattern SAFE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,40}");
    private static final long OPENSSL_TIMEOUT_SECONDS = 30;

    private final Path dir;

    private OpensslPki(Path dir) {
        this.dir = dir;
    }

    /** Creates the CA ({@code ca.crt}, {@code ca.key}) in {@code dir}, which should be a per-test temp directory. */
    public static OpensslPki create(Path dir) throws IOException {
        OpensslPki pki = new OpensslPki(Objects.requireNonNull(dir, "dir"));
        Path config = pki.writeConfig("ca", "basicConstraints = critical,CA:TRUE\n"
                + "keyUsage = critical,keyCertSign,cRLSign\n"
                + "subjectKeyIdentifier = hash\n");
        pki.openssl("req", "-x509", "-new", "-config", config.toString(), "-extensions", "ext",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
                "-keyout", pki.caKey().toString(), "-out", pki.caCertificate().toString(),
                "-days", "2", "-subj", "/CN=Tether IT CA");
        ownerOnly(pki.caKey());
        return pki;
    }

    /** The directory holding every file of this PKI (copy it into a container as a whole). */
    public Path directory() {
        return dir;
    }

    /** The CA certificate (PEM) that servers and clients of the test should trust. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    private Path caKey() {
        return dir.resolve("ca.key");
    }

    /**
     * Issues {@code <name>.crt} and {@code <name>.key} (PKCS#8 PEM, mode 0600), usable for both
     * server and client authentication.
     *
     * @param name             file name stem and common name, e.g. {@code server}
     * @param subjectAltNames  SAN entries in openssl syntax, e.g. {@code DNS:localhost}, {@code IP:127.0.0.1}
     */
    public Leaf issue(String name, String... subjectAltNames) throws IOException {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + SAFE_NAME + ": " + name);
        }
        if (subjectAltNames.length == 0) {
            throw new IllegalArgumentException("at least one subjectAltName is needed for " + name);
        }
        Path config = writeConfig(name, "basicConstraints = critical,CA:FALSE\n"
                + "keyUsage = critical,digitalSignature\n"
                + "extendedKeyUsage = serverAuth,clientAuth\n"
                + "subjectAltName = " + String.join(",", subjectAltNames) + "\n"
                + "authorityKeyIdentifier = keyid\n");
        Leaf leaf = new Leaf(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        openssl("req", "-x509", "-new", "-config", config.toString(), "-extensions", "ext",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-noenc",
                "-keyout", leaf.key().toString(), "-out", leaf.certificate().toString(),
                "-days", "2", "-subj", "/CN=" + name,
                "-CA", caCertificate().toString(), "-CAkey", caKey().toString());
        ownerOnly(leaf.key());
        return leaf;
    }

    /** A TLS 1.2+ client context trusting only this CA, presenting {@code identity} when it is not null. */
    public SSLContext clientContext(Leaf identity) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("tether-it-ca", readCertificate(caCertificate()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);

        KeyManagerFactory kmf = null;
        if (identity != null) {
            char[] password = "in-memory-only".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("identity", readEcKey(identity.key()), password,
                    new Certificate[] {readCertificate(identity.certificate())});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static X509Certificate readCertificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readEcKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException("not a PKCS#8 PEM private key: " + pem);
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static void ownerOnly(Path key) throws IOException {
        // openssl already creates keys 0600; saying so here keeps that true whatever its version does.
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private Path writeConfig(String name, String extensions) throws IOException {
        // A config of our own keeps the distribution's defaults (e.g. CA:TRUE on every req -x509) out of leaves.
        return Files.writeString(dir.resolve(name + ".cnf"),
                "[req]\ndistinguished_name = dn\n[dn]\n[ext]\n" + extensions, StandardCharsets.US_ASCII);
    }

    private void openssl(String... args) throws IOException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add("openssl");
        command.addAll(List.of(args));
        Path output = dir.resolve("openssl.out");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!process.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("openssl did not finish within " + OPENSSL_TIMEOUT_SECONDS + "s: " + command);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("openssl exited with " + process.exitValue() + ": " + command + "\n"
                    + Files.readString(output, StandardCharsets.UTF_8));
        }
    }

    /**
     * A certificate and its private key, both PEM files inside the PKI directory.
     *
     * @param certificate the leaf certificate
     * @param key         its unencrypted PKCS#8 private key (mode 0600)
     */
    public record Leaf(Path certificate, Path key) {

        /** The file name of the certificate, for paths inside a container that holds the PKI directory. */
        public String certificateFileName() {
            return certificate.getFileName().toString();
        }

        /** The file name of the key, for paths inside a container that holds the PKI directory. */
        public String keyFileName() {
            return key.getFileName().toString();
        }
    }
}
