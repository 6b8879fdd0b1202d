package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** OpenSSL and the JDK's PKIX validation accept what we make, and we accept what OpenSSL makes. */
class OpenSslInteropTest {
    private static final char[] PASSWORD = "interop-pass".toCharArray();

    @TempDir
    Path dir;

    /** Root -> intermediate -> leaf, files written the way `tether certs` writes them. */
    private record Pki(HeldCertificate root, HeldCertificate intermediate, HeldCertificate server,
                       HeldCertificate client) {
    }

    private Pki pki(KeyType type) throws IOException {
        HeldCertificate root = HeldCertificate.builder().commonName("Interop Root").certificateAuthority(1)
                .keyType(type).build();
        HeldCertificate intermediate = HeldCertificate.builder().commonName("Interop Intermediate")
                .certificateAuthority(0).keyType(type).signedBy(root).build();
        HeldCertificate server = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
                .addIpAddress("127.0.0.1").serverAuth().keyType(type).signedBy(intermediate).build();
        HeldCertificate client = HeldCertificate.builder().commonName("interop-client")
                .addUri("spiffe://interop.test/client").clientAuth().keyType(type).signedBy(intermediate).build();
        Pem.writeCertificates(dir.resolve("root.pem"), List.of(root.certificate()));
        Pem.writeCertificates(dir.resolve("intermediate.pem"), List.of(intermediate.certificate()));
        server.write(dir.resolve("server.pem"), dir.resolve("server.key"), null, ExistingFile.FAIL);
        client.write(dir.resolve("client.pem"), dir.resolve("client.key"), null, ExistingFile.FAIL);
        return new Pki(root, intermediate, server, client);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384", "RSA_2048", "ED25519"})
    void openSslVerifiesRootIntermediateLeafChains(KeyType type) throws Exception {
        pki(type);
        // server.pem holds leaf + intermediate; verify the leaf with the intermediate as untrusted helper.
        OpenSsl.run(dir, "x509", "-in", "server.pem", "-out", "server-leaf.pem").requireSuccess();
        OpenSsl.run(dir, "x509", "-in", "client.pem", "-out", "client-leaf.pem").requireSuccess();
        assertThat(OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem",
                "-purpose", "sslserver", "-x509_strict", "server-leaf.pem").requireSuccess().output())
                .contains("server-leaf.pem: OK");
        assertThat(OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem",
                "-purpose", "sslclient", "-x509_strict", "client-leaf.pem").requireSuccess().output())
                .contains("client-leaf.pem: OK");
        // The EKU is enforced: a client certificate is not accepted as a server certificate.
        assertThat(OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem",
                "-purpose", "sslserver", "client-leaf.pem").exitCode()).isNotZero();
    }

    @Test
    void jdkPkixAcceptsOurChainAndRejectsAnExpiredLeaf() throws Exception {
        Pki pki = pki(KeyType.EC_P256);
        validate(pki.server().chain(), pki.root().certificate(), new Date());

        HeldCertificate expired = HeldCertificate.builder().commonName("expired").addDnsName("expired.test")
                .serverAuth().validity(Instant.now().minus(Duration.ofDays(3)), Instant.now().minus(Duration.ofDays(1)))
                .signedBy(pki.intermediate()).build();
        assertThatThrownBy(() -> validate(expired.chain(), pki.root().certificate(), new Date()))
                .isInstanceOfSatisfying(CertPathValidatorException.class,
                        e -> assertThat(e.getReason()).isEqualTo(CertPathValidatorException.BasicReason.EXPIRED));
    }

    private static void validate(List<X509Certificate> chain, X509Certificate root, Date at) throws Exception {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(at);
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "RSA_2048", "ED25519"})
    void openSslServerRequiringClientCertificatesAcceptsOurs(KeyType type) throws Exception {
        Pki pki = pki(type);
        try (OpenSslServer server = OpenSslServer.start(dir, "-cert", "server.pem", "-cert_chain", "intermediate.pem",
                "-key", "server.key",
                "-CAfile", "root.pem", "-Verify", "2", "-verify_return_error", "-rev", "-naccept", "1")) {
            SSLContext context = context(pki, Pkcs12.encode(pki.client(), PASSWORD));
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write("tether\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readLine(socket.getInputStream())).isEqualTo("rehtet");
            }
        }
    }

    @Test
    void openSslServerRefusesAClientWithoutCertificate() throws Exception {
        Pki pki = pki(KeyType.EC_P256);
        try (OpenSslServer server = OpenSslServer.start(dir, "-cert", "server.pem", "-cert_chain", "intermediate.pem",
                "-key", "server.key",
                "-CAfile", "root.pem", "-Verify", "2", "-verify_return_error", "-rev", "-naccept", "1")) {
            SSLContext context = context(pki, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                assertThatThrownBy(() -> {
                    socket.startHandshake();
                    socket.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    // With TLS 1.3 the refusal arrives after the client's Finished, so read to see it.
                    readLine(socket.getInputStream());
                }).isInstanceOf(IOException.class);
            }
        }
    }

    private static SSLContext context(Pki pki, byte[] clientPkcs12) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", pki.root().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientPkcs12 != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(new java.io.ByteArrayInputStream(clientPkcs12), PASSWORD);
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        if (b == -1 && line.length() == 0) {
            throw new SSLException("connection closed without data");
        }
        return line.toString();
    }

    @Test
    void csrMadeByOpenSslIsSignedByOurCaAndVerifiesInOpenSsl() throws Exception {
        Pki pki = pki(KeyType.EC_P256);
        pki.intermediate().write(dir.resolve("ca.pem"), dir.resolve("ca.key"), null, ExistingFile.FAIL);
        OpenSsl.run(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "req.key", "-subj",
                "/CN=openssl-made/O=Interop", "-addext", "subjectAltName=DNS:svc.internal,IP:10.0.0.7",
                "-addext", "extendedKeyUsage=serverAuth", "-out", "req.csr").requireSuccess();

        CertificateAuthority ca = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca.key"), null);
        CertificateRequest request = CertificateRequest.read(dir.resolve("req.csr"));
        assertThat(request.subject()).isEqualTo("O=Interop,CN=openssl-made");
        List<X509Certificate> issued = ca.sign(request, SigningPolicy.defaults(), Duration.ofDays(30));
        Pem.writeCertificates(dir.resolve("issued.pem"), List.of(issued.get(0)));

        assertThat(OpenSsl.run(dir, "verify", "-CAfile", "root.pem", "-untrusted", "intermediate.pem",
                "-purpose", "sslserver", "-x509_strict", "issued.pem").requireSuccess().output())
                .contains("issued.pem: OK");
        CertificateInfo info = CertificateInfo.of(issued.get(0));
        assertThat(info.keyPurposes()).containsExactly(KeyPurpose.SERVER_AUTH);
        assertThat(info.subjectAlternativeNames()).containsExactly(SubjectAlternativeName.dns("svc.internal"),
                SubjectAlternativeName.ip("10.0.0.7"));
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("req.key"), null), issued.get(0), "req.key");
    }

    @Test
    void csrMadeByUsIsAcceptedByOpenSsl() throws Exception {
        var pair = KeyType.EC_P256.generate();
        CertificateRequest request = CertificateRequest.builder().commonName("ours").addDnsName("ours.internal")
                .serverAuth().build(pair);
        request.write(dir.resolve("ours.csr"), ExistingFile.FAIL);
        String text = OpenSsl.run(dir, "req", "-in", "ours.csr", "-verify", "-noout", "-text").requireSuccess()
                .output();
        assertThat(text).contains("verify OK").contains("DNS:ours.internal").contains("TLS Web Server Authentication");
    }

    @Test
    void fingerprintAndSpkiPinMatchOpenSsl() throws Exception {
        Pki pki = pki(KeyType.EC_P256);
        CertificateInfo info = pki.root().info();
        String fingerprint = OpenSsl.run(dir, "x509", "-in", "root.pem", "-noout", "-fingerprint", "-sha256")
                .requireSuccess().output().trim();
        assertThat(fingerprint).isEqualToIgnoringCase("sha256 Fingerprint=" + info.sha256Fingerprint());

        OpenSsl.run(dir, "x509", "-in", "root.pem", "-noout", "-pubkey", "-out", "root.pub").requireSuccess();
        OpenSsl.run(dir, "pkey", "-pubin", "-in", "root.pub", "-outform", "DER", "-out", "root.spki")
                .requireSuccess();
        OpenSsl.run(dir, "dgst", "-sha256", "-binary", "-out", "root.pin", "root.spki").requireSuccess();
        String pin = "sha256/" + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("root.pin")));
        assertThat(info.spkiPin()).isEqualTo(pin);
    }

    @Test
    void pkcs12RoundTripsWithOpenSsl() throws Exception {
        Pki pki = pki(KeyType.EC_P256);
        Pkcs12.write(dir.resolve("server.p12"), pki.server(), PASSWORD, ExistingFile.FAIL);
        OpenSsl.run(dir, "pkcs12", "-in", "server.p12", "-passin", "pass:interop-pass", "-nodes", "-out",
                "from-p12.pem").requireSuccess();
        Keys.requireMatch(Pem.readPrivateKey(dir.resolve("from-p12.pem"), null), pki.server().certificate(),
                "from-p12.pem");
        assertThat(Pem.readCertificates(dir.resolve("from-p12.pem"))).containsAll(pki.server().chain());

        OpenSsl.run(dir, "pkcs12", "-export", "-inkey", "client.key", "-in",
                "client.pem", "-passout", "pass:interop-pass", "-out", "openssl.p12").requireSuccess();
        HeldCertificate read = Pkcs12.read(dir.resolve("openssl.p12"), PASSWORD);
        assertThat(read.certificate()).isEqualTo(pki.client().certificate());
        assertThat(read.privateKey().getEncoded()).isEqualTo(pki.client().privateKey().getEncoded());

        assertThatThrownBy(() -> Pkcs12.read(dir.resolve("openssl.p12"), "nope".toCharArray()))
                .isInstanceOfSatisfying(CertificateMaterialException.class, e -> {
                    assertThat(e.problem()).isEqualTo(CertificateMaterialException.Problem.WRONG_PASSWORD);
                    assertThat(e.getMessage()).contains("openssl.p12");
                });
    }
}
