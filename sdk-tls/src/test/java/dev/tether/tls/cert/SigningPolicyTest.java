package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CA signs requests only within its policy, and says exactly why it refuses one. */
class SigningPolicyTest {
    @TempDir
    Path dir;

    private final HeldCertificate root = HeldCertificate.builder().commonName("Policy Root").certificateAuthority(0)
            .validFor(Duration.ofDays(1000)).build();
    private final CertificateAuthority ca = CertificateAuthority.of(root);
    private final KeyPair requester = KeyType.EC_P256.generate();

    @Test
    void issuesWhatWasRequestedWithinPolicy() throws Exception {
        CertificateRequest request = CertificateRequest.builder().commonName("api").addDnsName("api.internal")
                .addIpAddress("10.1.2.3").serverAuth().build(requester);
        List<X509Certificate> chain = ca.sign(request, SigningPolicy.defaults(), Duration.ofDays(30));

        X509Certificate issued = chain.get(0);
        issued.verify(root.certificate().getPublicKey());
        assertThat(chain).hasSize(1).as("the root is not part of the presented chain");
        assertThat(issued.getPublicKey()).isEqualTo(requester.getPublic());
        CertificateInfo info = CertificateInfo.of(issued);
        assertThat(info.subject()).isEqualTo("CN=api");
        assertThat(info.keyPurposes()).containsExactly(KeyPurpose.SERVER_AUTH);
        assertThat(info.isCertificateAuthority()).isFalse();
        assertThat(Duration.between(info.notBefore(), info.notAfter()))
                .isEqualTo(Duration.ofDays(30).plus(HeldCertificate.BACKDATE));
    }

    @Test
    void requestWithoutPurposesGetsThePolicysPurposes() throws Exception {
        CertificateRequest request = CertificateRequest.builder().commonName("worker").build(requester);
        SigningPolicy clientsOnly = SigningPolicy.builder().allowedPurposes(Set.of(KeyPurpose.CLIENT_AUTH)).build();
        X509Certificate issued = ca.sign(request, clientsOnly).get(0);
        assertThat(CertificateInfo.of(issued).keyPurposes()).containsExactly(KeyPurpose.CLIENT_AUTH);
    }

    @Test
    void requestForCaRightsIsRefused() throws Exception {
        // OpenSSL lets anyone ask for CA:TRUE in a request; the CA must not grant it.
        OpenSsl.run(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "k.pem", "-subj", "/CN=sneaky", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "subjectAltName=DNS:sneaky.internal", "-out", "ca.csr").requireSuccess();
        CertificateRequest request = CertificateRequest.read(dir.resolve("ca.csr"));
        assertThat(request.requestsCertificateAuthority()).isTrue();
        assertRefused(() -> ca.sign(request, SigningPolicy.defaults()), "asks for CA rights");
    }

    @Test
    void forbiddenSanKindIsRefused() {
        CertificateRequest request = CertificateRequest.builder().commonName("svc").addDnsName("svc.internal")
                .addUri("spiffe://elsewhere/svc").build(requester);
        SigningPolicy dnsOnly = SigningPolicy.builder().allowedNames(Set.of(SanType.DNS)).build();
        assertRefused(() -> ca.sign(request, dnsOnly), "URI:spiffe://elsewhere/svc");
    }

    @Test
    void purposeOutsidePolicyIsRefused() {
        CertificateRequest request = CertificateRequest.builder().commonName("svc").addDnsName("svc.internal")
                .serverAuth().build(requester);
        SigningPolicy clientsOnly = SigningPolicy.builder().allowedPurposes(Set.of(KeyPurpose.CLIENT_AUTH)).build();
        assertRefused(() -> ca.sign(request, clientsOnly), "SERVER_AUTH");
    }

    @Test
    void serverRequestWithoutSanIsRefused() {
        CertificateRequest request = CertificateRequest.builder().commonName("svc.internal").serverAuth()
                .build(requester);
        assertRefused(() -> ca.sign(request, SigningPolicy.defaults()), "ignore the common name");
    }

    @Test
    void validityBeyondMaximumOrBeyondTheCaIsRefused() throws Exception {
        CertificateRequest request = CertificateRequest.builder().commonName("c").clientAuth().build(requester);
        SigningPolicy policy = SigningPolicy.builder().maxValidity(Duration.ofDays(90)).build();
        assertRefused(() -> ca.sign(request, policy, Duration.ofDays(91)), "at most 90");

        HeldCertificate shortLived = HeldCertificate.builder().commonName("Short CA").certificateAuthority(0)
                .validFor(Duration.ofDays(10)).build();
        CertificateAuthority shortCa = CertificateAuthority.of(shortLived);
        assertRefused(() -> shortCa.sign(request, policy, Duration.ofDays(30)), "after the CA itself expires");
        // Without an explicit validity the certificate simply ends with the CA.
        X509Certificate issued = shortCa.sign(request, policy).get(0);
        assertThat(issued.getNotAfter()).isEqualTo(shortLived.certificate().getNotAfter());
    }

    @Test
    void expiredCaRefusesToSignAndNamesItsFileWhenLoaded() throws Exception {
        Instant now = Instant.now();
        HeldCertificate expired = HeldCertificate.builder().commonName("Old CA").certificateAuthority(0)
                .validity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35))).build();
        CertificateRequest request = CertificateRequest.builder().commonName("c").clientAuth().build(requester);
        assertThatThrownBy(() -> CertificateAuthority.of(expired).sign(request, SigningPolicy.defaults()))
                .isInstanceOfSatisfying(CertificateMaterialException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.EXPIRED));

        expired.write(dir.resolve("old-ca.pem"), dir.resolve("old-ca.key"), null, ExistingFile.FAIL);
        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("old-ca.pem"), dir.resolve("old-ca.key"), null))
                .isInstanceOfSatisfying(CertificateMaterialException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.EXPIRED);
                    assertThat(e.getMessage()).startsWith(dir.resolve("old-ca.pem") + ": ")
                            .contains("CN=Old CA").contains("expired on");
                });
        Clock beforeItExpired = Clock.fixed(now.minus(Duration.ofDays(100)), ZoneOffset.UTC);
        assertThat(CertificateAuthority.load(dir.resolve("old-ca.pem"), dir.resolve("old-ca.key"), null,
                beforeItExpired).certificate()).isEqualTo(expired.certificate());
    }

    @Test
    void leafCertificateCannotBeLoadedAsCa() throws Exception {
        HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").addDnsName("leaf").serverAuth()
                .signedBy(root).build();
        leaf.write(dir.resolve("leaf.pem"), dir.resolve("leaf.key"), null, ExistingFile.FAIL);
        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("leaf.pem"), dir.resolve("leaf.key"), null))
                .isInstanceOfSatisfying(CertificateMaterialException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.NOT_A_CA);
                    assertThat(e.getMessage()).contains("leaf.pem").contains("end-entity");
                });
    }

    @Test
    void caKeyThatDoesNotMatchIsNamed() throws Exception {
        root.write(dir.resolve("ca.pem"), dir.resolve("ca.key"), null, ExistingFile.FAIL);
        Pem.writePrivateKey(dir.resolve("other.key"), KeyType.EC_P256.generate().getPrivate(), null);
        assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("other.key"), null))
                .isInstanceOfSatisfying(CertificateMaterialException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.KEY_MISMATCH);
                    assertThat(e.getMessage()).contains("other.key").contains("ca.pem");
                });
    }

    @Test
    void tamperedRequestIsRejectedWhenRead() throws Exception {
        CertificateRequest request = CertificateRequest.builder().commonName("honest").addDnsName("honest.internal")
                .build(requester);
        byte[] der = request.encoded();
        // Flip a byte inside the DNS name: the structure stays valid, the signature no longer matches.
        String encoded = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = encoded.indexOf("honest.internal");
        der[at] = (byte) 'H';
        Files.write(dir.resolve("tampered.csr"), der);
        assertThatThrownBy(() -> CertificateRequest.read(dir.resolve("tampered.csr")))
                .isInstanceOfSatisfying(CertificateMaterialException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.INVALID);
                    assertThat(e.getMessage()).contains("tampered.csr").contains("signature");
                });
    }

    @Test
    void weakRsaRequestIsRefused() throws Exception {
        OpenSsl.run(dir, "req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", "k.pem", "-subj", "/CN=weak",
                "-out", "weak.csr").requireSuccess();
        CertificateRequest request = CertificateRequest.read(dir.resolve("weak.csr"));
        assertRefused(() -> ca.sign(request, SigningPolicy.defaults()), "1024 bits");
    }

    @Test
    void policyValuesAreValidated() {
        assertThatThrownBy(() -> SigningPolicy.builder().maxValidity(Duration.ofDays(-1)).build())
                .hasMessage("maxValidity must be positive: PT-24H");
        assertThatThrownBy(() -> SigningPolicy.builder().allowedPurposes(Set.of()).build())
                .hasMessage("allowedPurposes must not be empty");
        assertThatThrownBy(() -> SigningPolicy.builder().maxValidity(Duration.ofDays(10))
                .defaultValidity(Duration.ofDays(11)).build())
                .hasMessageContaining("must not exceed maxValidity");
        assertThat(SigningPolicy.defaults().maxValidity()).isEqualTo(Duration.ofDays(397));
        assertThat(SigningPolicy.defaults().allowedNames()).containsExactly(SanType.DNS, SanType.IP, SanType.URI);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String detail) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CertificateMaterialException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.POLICY_VIOLATION);
            assertThat(e.getMessage()).startsWith("refusing to sign").contains(detail);
        });
    }
}
