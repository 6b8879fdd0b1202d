package dev.tether.it.support;

import dev.tether.tls.TlsConfig;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.MountableFile;

/**
 * A throw-away PKI for one test class, made with Tether's own certificate tooling ({@link HeldCertificate}):
 * a CA and the leaves the test issues from it, written as PEM files into one directory that is copied into
 * containers as {@code /tls/<name>}.
 *
 * <p>Several PKIs can live side by side (a trusted one and a stranger's), each in its own subdirectory of the
 * test's temporary directory. Every leaf is written three ways: {@code <leaf>.crt} (the chain without the
 * root), {@code <leaf>.key} (unencrypted PKCS#8, mode 0600) and {@code <leaf>.pem} (both in one file, mode
 * 0600, for servers such as HAProxy that want them together). Containers run their servers as root, so the
 * owner-only keys stay readable there.
 */
public final class Pki {

    /** Where PKI directories appear inside containers. */
    public static final String CONTAINER_ROOT = "/tls";

    private static final Pattern SAFE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,40}");
    private static final Duration LEAF_VALIDITY = Duration.ofDays(2);

    private final String name;
    private final Path dir;
    private final HeldCertificate ca;

    private Pki(String name, Path dir, HeldCertificate ca) {
        this.name = name;
        this.dir = dir;
        this.ca = ca;
    }

    /**
     * Creates a CA named {@code name} and writes its certificate to {@code <parent>/<name>/ca.crt}; the CA's
     * key stays in memory, since nothing outside the test signs with it.
     */
    public static Pki create(Path parent, String name) throws IOException {
        requireSafe(name);
        Path dir = Files.createDirectories(Objects.requireNonNull(parent, "parent").resolve(name));
        HeldCertificate ca = HeldCertificate.builder()
                .commonName("Tether IT " + name + " CA")
                .organization("Tether integration tests")
                .certificateAuthority(0)
                .validFor(Duration.ofDays(3))
                .build();
        Files.writeString(dir.resolve("ca.crt"), ca.certificatePem(), StandardCharsets.US_ASCII);
        return new Pki(name, dir, ca);
    }

    /** The name given at creation; also the directory name on the host and in containers. */
    public String name() {
        return name;
    }

    /** The directory holding every file of this PKI. */
    public Path directory() {
        return dir;
    }

    /** The CA certificate (PEM) that peers of this PKI trust. */
    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** The CA itself, for tests that sign unusual certificates with {@link #issue}. */
    public HeldCertificate ca() {
        return ca;
    }

    /** This PKI's directory inside a container it was {@linkplain #copyInto copied into}. */
    public String containerDirectory() {
        return CONTAINER_ROOT + "/" + name;
    }

    /** The CA certificate's path inside a container. */
    public String containerCaCertificate() {
        return containerDirectory() + "/ca.crt";
    }

    /** Copies every file of this PKI, as it is when the container starts, to {@link #containerDirectory()}. */
    public <C extends GenericContainer<?>> C copyInto(C container) {
        container.withCopyToContainer(MountableFile.forHostPath(dir), containerDirectory());
        return container;
    }

    /** A server certificate (EKU serverAuth) for {@code dnsNames}, valid for two days. */
    public Leaf server(String leafName, String... dnsNames) throws IOException {
        if (dnsNames.length == 0) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name: " + leafName);
        }
        return issue(leafName, b -> {
            b.serverAuth();
            for (String dns : dnsNames) {
                b.addDnsName(dns);
            }
        });
    }

    /** A client certificate (EKU clientAuth) with common name {@code leafName}, valid for two days. */
    public Leaf client(String leafName) throws IOException {
        return issue(leafName, HeldCertificate.Builder::clientAuth);
    }

    /**
     * Issues a leaf signed by this CA with common name {@code leafName}, valid for two days unless
     * {@code details} sets other dates, and writes its files.
     */
    public Leaf issue(String leafName, Consumer<HeldCertificate.Builder> details) throws IOException {
        HeldCertificate.Builder builder = HeldCertificate.builder()
                .commonName(requireSafe(leafName))
                .organization("Tether integration tests")
                .validFor(LEAF_VALIDITY)
                .signedBy(ca);
        details.accept(builder);
        Leaf leaf = leaf(leafName, builder.build());
        leaf.write(ExistingFile.FAIL);
        return leaf;
    }

    /**
     * Issues a new certificate and key for an existing leaf's files without writing them: {@link Leaf#write}
     * later replaces the files in place, as a certificate rotation does.
     */
    public Leaf successor(Leaf leaf, String commonName, Consumer<HeldCertificate.Builder> details) {
        HeldCertificate.Builder builder = HeldCertificate.builder()
                .commonName(commonName)
                .organization("Tether integration tests")
                .validFor(LEAF_VALIDITY)
                .signedBy(ca);
        details.accept(builder);
        return leaf(leaf.name(), builder.build());
    }

    private Leaf leaf(String leafName, HeldCertificate held) {
        return new Leaf(leafName, held, dir.resolve(leafName + ".crt"), dir.resolve(leafName + ".key"),
                dir.resolve(leafName + ".pem"), containerDirectory() + "/" + leafName);
    }

    /**
     * A client TLS config trusting only this CA and presenting {@code identity}, or no certificate when it is
     * null. Hostname verification stays on.
     */
    public TlsConfig.Builder clientTls(Leaf identity) {
        TlsConfig.Builder builder = TlsConfig.builder().trustPemFile(caCertificate());
        if (identity != null) {
            builder.keyMaterial(identity.certificate(), identity.key());
        }
        return builder;
    }

    /** A JDK client context trusting only this CA, presenting {@code identity} when it is not null. */
    public SSLContext clientContext(Leaf identity) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("tether-it-ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);

        KeyManagerFactory kmf = null;
        if (identity != null) {
            char[] password = "in-memory-only".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("identity", identity.held().privateKey(), password,
                    identity.held().chain().toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static String requireSafe(String name) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + SAFE_NAME + ": " + name);
        }
        return name;
    }

    /**
     * A certificate with its key and the files they are written to.
     *
     * @param name          the file name stem
     * @param held          the certificate and private key
     * @param certificate   the chain file (PEM, leaf first, without the root)
     * @param key           the private key file (PKCS#8 PEM, mode 0600)
     * @param combined      chain and key in one file (mode 0600)
     * @param containerStem the path inside a container without extension
     */
    public record Leaf(String name, HeldCertificate held, Path certificate, Path key, Path combined,
                       String containerStem) {

        /** The chain file's path inside a container. */
        public String containerCertificate() {
            return containerStem + ".crt";
        }

        /** The key file's path inside a container. */
        public String containerKey() {
            return containerStem + ".key";
        }

        /** The combined chain-and-key file's path inside a container. */
        public String containerCombined() {
            return containerStem + ".pem";
        }

        /** The certificate's common name. */
        public String commonName() {
            return held.info().commonName().orElseThrow();
        }

        /**
         * Writes the three files; {@link ExistingFile#REPLACE} swaps each one atomically (key first, so a
         * reader may briefly see a new key with the old certificate, as with any real rotation).
         */
        public void write(ExistingFile existing) throws IOException {
            if (existing == ExistingFile.FAIL && Files.exists(combined)) {
                throw new IOException("refusing to replace " + combined);
            }
            held.write(certificate, key, null, existing);
            Path temp = Files.createTempFile(combined.getParent(), "." + name, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write((held.chainPem() + held.privateKeyPem()).getBytes(StandardCharsets.US_ASCII));
            }
            Files.move(temp, combined, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
