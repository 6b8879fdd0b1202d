package dev.tether.tls.testing;

import dev.tether.tls.TlsConfig;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * A fresh certificate set for one test: a root CA, a server certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1}, and a client certificate, all issued by the CA and written as PEM into
 * a directory ({@code ca.pem}, {@code server.pem}/{@code server.key}, {@code client.pem}/{@code client.key}).
 * Variants (expired, wrong name, self-signed...) come from {@link #issueServer(String, UnaryOperator)}.
 */
public final class CertSet {
    private final Path dir;
    private final HeldCertificate ca;
    private final HeldCertificate server;
    private final HeldCertificate client;

    private CertSet(Path dir, HeldCertificate ca, HeldCertificate server, HeldCertificate client) {
        this.dir = dir;
        this.ca = ca;
        this.server = server;
        this.client = client;
    }

    /** Creates the CA, server and client certificates and writes them into {@code dir}. */
    public static CertSet create(Path dir) {
        return create(dir, "Tether Test CA");
    }

    /** Like {@link #create(Path)} with a CA of the given common name (to make an unrelated second CA). */
    public static CertSet create(Path dir, String caName) {
        HeldCertificate ca = HeldCertificate.builder().commonName(caName).certificateAuthority(0).build();
        HeldCertificate server = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
                .addIpAddress("127.0.0.1").addIpAddress("::1").serverAuth().validFor(Duration.ofDays(1))
                .signedBy(ca).build();
        HeldCertificate client = HeldCertificate.builder().commonName("tether-client").clientAuth()
                .validFor(Duration.ofDays(1)).signedBy(ca).build();
        CertSet set = new CertSet(dir, ca, server, client);
        set.write("ca.pem", null, ca);
        set.write("server.pem", "server.key", server);
        set.write("client.pem", "client.key", client);
        return set;
    }

    /** A server certificate signed by this CA, customised (names, dates), written as {@code <name>.pem/.key}. */
    public HeldCertificate issueServer(String name, UnaryOperator<HeldCertificate.Builder> customize) {
        HeldCertificate cert = customize.apply(HeldCertificate.builder().commonName(name).serverAuth()
                .validFor(Duration.ofDays(1)).signedBy(ca)).build();
        write(name + ".pem", name + ".key", cert);
        return cert;
    }

    /** A client certificate signed by this CA, written as {@code <name>.pem/.key}. */
    public HeldCertificate issueClient(String name) {
        HeldCertificate cert = HeldCertificate.builder().commonName(name).clientAuth()
                .validFor(Duration.ofDays(1)).signedBy(ca).build();
        write(name + ".pem", name + ".key", cert);
        return cert;
    }

    /** An expired server certificate for localhost, written as {@code expired.pem/.key}. */
    public HeldCertificate issueExpiredServer() {
        Instant now = Instant.now();
        return issueServer("expired", b -> b.addDnsName("localhost").addIpAddress("127.0.0.1")
                .validity(now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
    }

    /** A self-signed server certificate for localhost, written as {@code selfsigned.pem/.key}. */
    public HeldCertificate issueSelfSignedServer() {
        HeldCertificate cert = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
                .addIpAddress("127.0.0.1").serverAuth().validFor(Duration.ofDays(1)).build();
        write("selfsigned.pem", "selfsigned.key", cert);
        return cert;
    }

    private void write(String certFile, String keyFile, HeldCertificate cert) {
        try {
            Files.createDirectories(dir);
            if (keyFile == null) {
                Files.writeString(dir.resolve(certFile), cert.certificatePem());
            } else {
                cert.write(dir.resolve(certFile), dir.resolve(keyFile), null, ExistingFile.REPLACE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public HeldCertificate ca() {
        return ca;
    }

    public HeldCertificate server() {
        return server;
    }

    public HeldCertificate client() {
        return client;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public Path caFile() {
        return file("ca.pem");
    }

    public Path serverCertFile() {
        return file("server.pem");
    }

    public Path serverKeyFile() {
        return file("server.key");
    }

    public Path clientCertFile() {
        return file("client.pem");
    }

    public Path clientKeyFile() {
        return file("client.key");
    }

    /** A client config trusting this CA. */
    public TlsConfig.Builder clientConfig() {
        return TlsConfig.builder().trustPemFile(caFile());
    }

    /** A client config trusting this CA and presenting the client certificate. */
    public TlsConfig.Builder mutualClientConfig() {
        return clientConfig().keyMaterial(clientCertFile(), clientKeyFile());
    }

    /** A server config with the server certificate, trusting this CA for client certificates. */
    public TlsConfig.Builder serverConfig() {
        return TlsConfig.builder().keyMaterial(serverCertFile(), serverKeyFile()).trustPemFile(caFile());
    }
}
