package dev.tether.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.SanType;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** RFC 6125 matching: exact names, left-most wildcards only, IP SANs for IP literals, no CN fallback. */
class HostnameMatcherTest {
    private static X509Certificate cert(String... sans) {
        HeldCertificate.Builder b = HeldCertificate.builder().commonName("cn.example.com");
        for (String san : sans) {
            if (san.startsWith("dns:")) {
                b.addSubjectAlternativeName(new SubjectAlternativeName(SanType.DNS, san.substring(4)));
            } else {
                b.addSubjectAlternativeName(san);
            }
        }
        return b.build().certificate();
    }

    /**
     * A certificate with DNS names Tether's own builder refuses to issue (bad wildcards), made with BouncyCastle
     * directly, because other CAs' certificates can carry them.
     */
    private static X509Certificate rawDnsCert(String dnsName) throws Exception {
        java.security.KeyPair kp = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=raw");
        java.time.Instant now = java.time.Instant.now();
        org.bouncycastle.cert.X509v3CertificateBuilder b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name, java.math.BigInteger.ONE, java.util.Date.from(now.minusSeconds(60)),
                java.util.Date.from(now.plusSeconds(3600)), name, kp.getPublic());
        b.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, dnsName)));
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    }

    @Test
    void exactAndCaseInsensitive() {
        X509Certificate c = cert("api.example.com");
        assertThat(HostnameMatcher.matches("api.example.com", c)).isTrue();
        assertThat(HostnameMatcher.matches("API.Example.COM.", c)).isTrue();
        assertThat(HostnameMatcher.matches("example.com", c)).isFalse();
        assertThat(HostnameMatcher.matches("cn.example.com", c)).as("no CN fallback").isFalse();
    }

    @Test
    void wildcardCoversExactlyOneLeftLabel() throws Exception {
        X509Certificate c = cert("*.example.com");
        assertThat(HostnameMatcher.matches("a.example.com", c)).isTrue();
        assertThat(HostnameMatcher.matches("a.b.example.com", c)).isFalse();
        assertThat(HostnameMatcher.matches("example.com", c)).isFalse();
        assertThat(HostnameMatcher.matches("a.example.com", rawDnsCert("*.com"))).isFalse();
        assertThat(HostnameMatcher.matches("foo.example.com", rawDnsCert("f*.example.com"))).isFalse();
        assertThat(HostnameMatcher.matches("foo.example.com", rawDnsCert("*.*.com"))).isFalse();
    }

    @Test
    void ipLiteralsMatchOnlyIpSans() {
        X509Certificate c = cert("127.0.0.1", "::1", "dns:127.0.0.2");
        assertThat(HostnameMatcher.matches("127.0.0.1", c)).isTrue();
        assertThat(HostnameMatcher.matches("0:0:0:0:0:0:0:1", c)).isTrue();
        assertThat(HostnameMatcher.matches("::1", c)).isTrue();
        assertThat(HostnameMatcher.matches("127.0.0.2", c)).as("an IP never matches a DNS SAN").isFalse();
        assertThat(HostnameMatcher.names(c)).contains("IP:127.0.0.1", "DNS:127.0.0.2");
    }
}
