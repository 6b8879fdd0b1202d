package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Certificates from the builder carry the extensions RFC 5280 and TLS stacks expect, per key type. */
class CertificateProfileTest {
    private static final String KEY_USAGE = Extension.keyUsage.getId();
    private static final String BASIC_CONSTRAINTS = Extension.basicConstraints.getId();
    private static final String SAN = Extension.subjectAlternativeName.getId();

    // KeyUsage bit positions as X509Certificate.getKeyUsage() reports them.
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;

    private final Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    @Test
    void rootCaIsSelfSignedWithCriticalCaConstraintsAndMatchingKeyIdentifiers() throws Exception {
        HeldCertificate root = HeldCertificate.builder().commonName("Test Root").organization("Tether Tests")
                .certificateAuthority(1).clock(clock).build();
        X509Certificate c = root.certificate();

        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=Test Root,O=Tether Tests");
        assertThat(c.getBasicConstraints()).isEqualTo(1);
        assertThat(c.getCriticalExtensionOIDs()).contains(BASIC_CONSTRAINTS, KEY_USAGE);
        assertThat(c.getKeyUsage()[KEY_CERT_SIGN]).isTrue();
        assertThat(c.getKeyUsage()[CRL_SIGN]).isTrue();
        assertThat(c.getKeyUsage()[KEY_ENCIPHERMENT]).isFalse();
        assertThat(c.getExtendedKeyUsage()).isNull();
        assertThat(authorityKeyId(c)).isEqualTo(subjectKeyId(c));
        assertThat(root.info().isSelfSigned()).isTrue();
        assertThat(root.chain()).containsExactly(c);
        assertThat(c.getNotAfter().toInstant()).isEqualTo(now.plus(HeldCertificate.DEFAULT_CA_VALIDITY));
        c.verify(c.getPublicKey());
    }

    @Test
    void intermediateIsSignedByRootAndPointsAtItsKey() throws Exception {
        HeldCertificate root = HeldCertificate.builder().commonName("Root").certificateAuthority(1).build();
        HeldCertificate intermediate = HeldCertificate.builder().commonName("Intermediate")
                .certificateAuthority(0).signedBy(root).build();
        X509Certificate c = intermediate.certificate();

        c.verify(root.certificate().getPublicKey());
        assertThat(c.getIssuerX500Principal()).isEqualTo(root.certificate().getSubjectX500Principal());
        assertThat(authorityKeyId(c)).isEqualTo(subjectKeyId(root.certificate()));
        assertThat(c.getBasicConstraints()).isEqualTo(0);
        assertThat(intermediate.issuers()).containsExactly(root.certificate());
        assertThat(intermediate.root()).isEqualTo(root.certificate());
    }

    @Test
    void pathLengthIsEnforcedWhileBuilding() {
        HeldCertificate root = HeldCertificate.builder().commonName("Root").certificateAuthority(0).build();
        assertThatThrownBy(() -> HeldCertificate.builder().commonName("Sub").certificateAuthority(0)
                .signedBy(root).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("path length 0");

        HeldCertificate leaf = HeldCertificate.builder().commonName("leaf").addDnsName("leaf").serverAuth()
                .signedBy(root).build();
        assertThatThrownBy(() -> HeldCertificate.builder().commonName("x").signedBy(leaf))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a CA");
        assertThatThrownBy(() -> HeldCertificate.builder().certificateAuthority(-1))
                .hasMessage("maxIntermediateCas must not be negative: -1");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void serverLeafHasSansServerAuthAndKeyUsageForItsKeyType(KeyType type) throws Exception {
        HeldCertificate ca = HeldCertificate.builder().commonName("CA").certificateAuthority(0).keyType(type).build();
        HeldCertificate server = HeldCertificate.builder().commonName("localhost").keyType(type)
                .addDnsName("localhost").addIpAddress("127.0.0.1").addIpAddress("0:0:0:0:0:0:0:1")
                .serverAuth().signedBy(ca).clock(clock).build();
        X509Certificate c = server.certificate();

        c.verify(ca.certificate().getPublicKey());
        assertThat(KeyType.of(c.getPublicKey())).isEqualTo(type);
        assertThat(c.getBasicConstraints()).isEqualTo(-1);
        assertThat(c.getCriticalExtensionOIDs()).contains(KEY_USAGE, BASIC_CONSTRAINTS).doesNotContain(SAN);
        assertThat(c.getKeyUsage()[DIGITAL_SIGNATURE]).isTrue();
        assertThat(c.getKeyUsage()[KEY_CERT_SIGN]).isFalse();
        assertThat(c.getKeyUsage()[KEY_ENCIPHERMENT])
                .as("keyEncipherment only for RSA").isEqualTo(type.name().startsWith("RSA"));
        assertThat(c.getExtendedKeyUsage()).containsExactly(KeyPurpose.SERVER_AUTH.oid());
        assertThat(server.info().subjectAlternativeNames()).containsExactly(SubjectAlternativeName.dns("localhost"),
                SubjectAlternativeName.ip("127.0.0.1"), SubjectAlternativeName.ip("::1"));
        assertThat(c.getSigAlgName()).isEqualToIgnoringCase(type.signatureAlgorithm());
        assertThat(c.getNotBefore().toInstant()).isEqualTo(now.minus(HeldCertificate.BACKDATE));
        assertThat(c.getNotAfter().toInstant()).isEqualTo(now.plus(HeldCertificate.DEFAULT_LEAF_VALIDITY));
    }

    @Test
    void clientCertificateCarriesSpiffeUriAndClientAuth() throws Exception {
        HeldCertificate ca = HeldCertificate.builder().commonName("CA").certificateAuthority().build();
        HeldCertificate client = HeldCertificate.builder().commonName("billing")
                .addUri("spiffe://example.org/ns/prod/sa/billing").clientAuth().signedBy(ca).build();
        assertThat(client.certificate().getExtendedKeyUsage()).containsExactly(KeyPurpose.CLIENT_AUTH.oid());
        assertThat(client.info().subjectAlternativeNames())
                .containsExactly(SubjectAlternativeName.uri("spiffe://example.org/ns/prod/sa/billing"));
        assertThat(client.info().commonName()).contains("billing");
    }

    @Test
    void bothPurposesWhenAskedAndEmptySubjectMakesSanCritical() throws Exception {
        HeldCertificate ca = HeldCertificate.builder().commonName("CA").certificateAuthority().build();
        HeldCertificate both = HeldCertificate.builder().addUri("spiffe://example.org/peer").serverAuth().clientAuth()
                .signedBy(ca).build();
        assertThat(both.certificate().getExtendedKeyUsage())
                .containsExactly(KeyPurpose.SERVER_AUTH.oid(), KeyPurpose.CLIENT_AUTH.oid());
        assertThat(both.certificate().getSubjectX500Principal().getName()).isEmpty();
        assertThat(both.certificate().getCriticalExtensionOIDs()).contains(SAN);
    }

    @Test
    void serialsArePositiveRandomAndAtMost128Bits() {
        HeldCertificate ca = HeldCertificate.builder().commonName("CA").certificateAuthority().build();
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            BigInteger serial = HeldCertificate.builder().commonName("leaf-" + i).signedBy(ca).build()
                    .certificate().getSerialNumber();
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
            serials.add(serial);
        }
        assertThat(serials).hasSize(20);
        // 20 random 128-bit serials all shorter than 100 bits would mean the randomness is broken.
        assertThat(serials.stream().mapToInt(BigInteger::bitLength).max().orElse(0)).isGreaterThan(100);
    }

    @Test
    void explicitValidityMakesExpiredAndNotYetValidCertificates() {
        Instant realNow = Instant.now();
        HeldCertificate expired = HeldCertificate.builder().commonName("old")
                .validity(realNow.minus(Duration.ofDays(10)), realNow.minus(Duration.ofDays(1))).build();
        HeldCertificate future = HeldCertificate.builder().commonName("new")
                .validity(realNow.plus(Duration.ofDays(1)), realNow.plus(Duration.ofDays(10))).build();
        assertThat(expired.info().isValidAt(realNow)).isFalse();
        assertThat(expired.info().daysToExpiry(realNow)).isNegative();
        assertThat(future.info().isValidAt(realNow)).isFalse();
        assertThat(future.info().isValidAt(realNow.plus(Duration.ofDays(2)))).isTrue();
        assertThatThrownBy(() -> HeldCertificate.builder().validity(realNow, realNow))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be after");
    }

    @Test
    void invalidNamesAreRejectedWithTheValue() {
        HeldCertificate.Builder builder = HeldCertificate.builder();
        assertThatThrownBy(() -> builder.addIpAddress("localhost")).hasMessageContaining("localhost");
        assertThatThrownBy(() -> builder.addIpAddress("256.1.1.1")).hasMessageContaining("256.1.1.1");
        assertThatThrownBy(() -> builder.addDnsName("bad_name.example")).hasMessageContaining("bad_name");
        assertThatThrownBy(() -> builder.addDnsName("*.com")).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> builder.addUri("no scheme")).hasMessageContaining("no scheme");
        assertThatThrownBy(() -> builder.validFor(Duration.ZERO)).hasMessage("validity must be positive: PT0S");
        assertThatThrownBy(() -> HeldCertificate.builder().build()).hasMessageContaining("common name");
    }

    @Test
    void sanTypesAreGuessedFromText() {
        assertThat(List.of("localhost", "10.1.2.3", "::1", "spiffe://td/x", "ops@example.com", "[fe80::1]")
                .stream().map(SubjectAlternativeName::parse).map(SubjectAlternativeName::toString))
                .containsExactly("DNS:localhost", "IP Address:10.1.2.3", "IP Address:::1", "URI:spiffe://td/x",
                        "email:ops@example.com", "IP Address:fe80::1");
    }

    private static byte[] subjectKeyId(X509Certificate c) {
        return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                c.getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets()).getKeyIdentifier();
    }

    private static byte[] authorityKeyId(X509Certificate c) {
        return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                c.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets()).getKeyIdentifierObject()
                .getOctets();
    }
}
