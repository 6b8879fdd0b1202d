package dev.tether.tls.cert;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Inspection reports what is in a certificate in the terms people debugging TLS ask about. */
class CertificateInspectionTest {
    private final Instant start = Instant.parse("2031-03-01T12:00:00Z");
    private final HeldCertificate root = HeldCertificate.builder().commonName("Inspect Root").organization("Acme")
            .certificateAuthority(2).validity(start, start.plus(Duration.ofDays(100))).build();

    @Test
    void reportsNamesKeyCaStatusAndPins() throws Exception {
        HeldCertificate leaf = HeldCertificate.builder().commonName("web").addDnsName("web.internal")
                .addIpAddress("192.0.2.10").serverAuth().clientAuth().keyType(KeyType.RSA_2048)
                .validity(start, start.plus(Duration.ofDays(30))).signedBy(root).build();
        CertificateInfo info = leaf.info();

        assertThat(info.subject()).isEqualTo("CN=web");
        assertThat(info.issuer()).isEqualTo("CN=Inspect Root,O=Acme");
        assertThat(info.commonName()).contains("web");
        assertThat(info.keyDescription()).isEqualTo("RSA 2048");
        assertThat(info.keyBits()).isEqualTo(2048);
        assertThat(info.isCertificateAuthority()).isFalse();
        assertThat(info.isSelfSigned()).isFalse();
        assertThat(info.keyPurposes()).containsExactly(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH);
        assertThat(info.serialNumber()).isEqualTo(leaf.certificate().getSerialNumber().toString(16));
        byte[] spkiHash = MessageDigest.getInstance("SHA-256").digest(leaf.certificate().getPublicKey().getEncoded());
        assertThat(info.spkiPin()).isEqualTo("sha256/" + Base64.getEncoder().encodeToString(spkiHash));
        assertThat(info.sha256Fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

        CertificateInfo rootInfo = root.info();
        assertThat(rootInfo.isCertificateAuthority()).isTrue();
        assertThat(rootInfo.pathLength()).isEqualTo(OptionalInt.of(2));
        assertThat(rootInfo.isSelfSigned()).isTrue();
        assertThat(HeldCertificate.builder().commonName("Unlimited").certificateAuthority().build().info().pathLength())
                .isEmpty();
    }

    @Test
    void daysToExpiryCountsWholeDaysAndGoesNegativeAfterExpiry() {
        CertificateInfo info = root.info();
        Instant end = start.plus(Duration.ofDays(100));
        assertThat(info.daysToExpiry(start)).isEqualTo(100);
        assertThat(info.daysToExpiry(end.minusSeconds(1))).isZero();
        assertThat(info.daysToExpiry(end.plusSeconds(1))).isEqualTo(-1);
        assertThat(info.daysToExpiry(end.plus(Duration.ofDays(3)))).isEqualTo(-3);
        assertThat(info.isValidAt(start)).isTrue();
        assertThat(info.isValidAt(end.plusSeconds(1))).isFalse();
    }

    @Test
    void describeShowsStateRelativeToNow() {
        assertThat(root.info().describe(start.plus(Duration.ofDays(40))))
                .contains("Subject:    CN=Inspect Root,O=Acme")
                .contains("(self-signed)")
                .contains("60 days left")
                .contains("CA:         yes, path length 2")
                .contains("SPKI pin:   sha256/");
        assertThat(root.info().describe(start.plus(Duration.ofDays(105)))).contains("EXPIRED 5 days ago");
        assertThat(root.info().describe(start.minus(Duration.ofDays(1)))).contains("NOT YET VALID");
    }
}
