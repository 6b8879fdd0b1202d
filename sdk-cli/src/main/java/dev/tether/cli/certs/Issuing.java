package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.CertificateMaterialException;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.KeyType;
import dev.tether.tls.cert.SanType;
import dev.tether.tls.cert.SigningPolicy;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Issues end-entity certificates for the CLI through the same request-and-policy path as
 * {@code tether certs sign}, so that every certificate the CLI makes obeys the same rules (for example,
 * never outliving its CA).
 */
final class Issuing {
    private Issuing() {
    }

    static HeldCertificate issue(CertificateAuthority ca, KeyType keyType, String commonName,
            List<SubjectAlternativeName> sans, Set<KeyPurpose> purposes, int days)
            throws CertificateMaterialException {
        KeyPair pair = keyType.generate();
        CertificateRequest.Builder request = CertificateRequest.builder();
        if (commonName != null) {
            request.commonName(commonName);
        }
        sans.forEach(request::addSubjectAlternativeName);
        if (purposes.contains(KeyPurpose.SERVER_AUTH)) {
            request.serverAuth();
        }
        if (purposes.contains(KeyPurpose.CLIENT_AUTH)) {
            request.clientAuth();
        }
        SigningPolicy policy = SigningPolicy.builder()
                .allowedNames(EnumSet.allOf(SanType.class))
                .allowedPurposes(purposes)
                .maxValidity(Duration.ofDays(days))
                .build();
        List<X509Certificate> chain = ca.sign(request.build(pair), policy, Duration.ofDays(days));
        return HeldCertificate.of(chain.get(0), pair.getPrivate(), issuersOf(ca));
    }

    /* Issuers nearest first: the signing CA, then its own issuers. The root is kept so callers can trust it. */
    private static List<X509Certificate> issuersOf(CertificateAuthority ca) {
        List<X509Certificate> issuers = new java.util.ArrayList<>();
        issuers.add(ca.certificate());
        issuers.addAll(ca.held().issuers());
        return issuers;
    }
}
