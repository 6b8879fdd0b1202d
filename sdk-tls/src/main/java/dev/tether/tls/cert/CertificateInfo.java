package dev.tether.tls.cert;

import dev.tether.tls.cert.internal.Names;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * What is in a certificate, in the terms people debugging TLS ask about: who it is for, who issued it,
 * which names it covers, when it expires, what key it has, its fingerprint and its SPKI pin.
 * Immutable; computed once from the certificate.
 */
public final class CertificateInfo {
    private final X509Certificate certificate;
    private final String subject;
    private final String issuer;
    private final Optional<String> commonName;
    private final List<SubjectAlternativeName> subjectAlternativeNames;
    private final String keyDescription;
    private final int keyBits;
    private final String sha256Fingerprint;
    private final String spkiPin;
    private final boolean certificateAuthority;
    private final OptionalInt pathLength;
    private final Set<KeyPurpose> keyPurposes;
    private final boolean selfSigned;

    private CertificateInfo(X509Certificate certificate) {
        this.certificate = certificate;
        this.subject = certificate.getSubjectX500Principal().getName();
        this.issuer = certificate.getIssuerX500Principal().getName();
        this.commonName = commonNameOf(certificate);
        this.subjectAlternativeNames = sansOf(certificate);
        this.keyDescription = KeyType.describe(certificate.getPublicKey());
        this.keyBits = bitsOf(certificate.getPublicKey());
        this.sha256Fingerprint = fingerprint(certificate);
        this.spkiPin = spkiPin(certificate.getPublicKey());
        int constraint = certificate.getBasicConstraints();
        this.certificateAuthority = constraint >= 0;
        this.pathLength = constraint < 0 || constraint == Integer.MAX_VALUE ? OptionalInt.empty()
                : OptionalInt.of(constraint);
        this.keyPurposes = purposesOf(certificate);
        this.selfSigned = isSelfSigned(certificate);
    }

    /** Inspects a certificate. */
    public static CertificateInfo of(X509Certificate certificate) {
        return new CertificateInfo(java.util.Objects.requireNonNull(certificate, "certificate"));
    }

    /** The inspected certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Subject distinguished name (RFC 2253), e.g. {@code CN=localhost,O=Tether Dev}. */
    public String subject() {
        return subject;
    }

    /** Issuer distinguished name (RFC 2253). */
    public String issuer() {
        return issuer;
    }

    /** The subject's common name, if it has one. */
    public Optional<String> commonName() {
        return commonName;
    }

    /** Subject alternative names of the kinds Tether understands (DNS, IP, URI, e-mail), in certificate order. */
    public List<SubjectAlternativeName> subjectAlternativeNames() {
        return subjectAlternativeNames;
    }

    /** Serial number in lower-case hex. */
    public String serialNumber() {
        return certificate.getSerialNumber().toString(16);
    }

    /** Start of validity. */
    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    /** End of validity. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** Key type and size, e.g. {@code EC P-256}, {@code RSA 3072}, {@code Ed25519}. */
    public String keyDescription() {
        return keyDescription;
    }

    /** Key size in bits (RSA modulus, EC field size, 256 for Ed25519). */
    public int keyBits() {
        return keyBits;
    }

    /** Signature algorithm the issuer used, e.g. {@code SHA256withECDSA}. */
    public String signatureAlgorithm() {
        return certificate.getSigAlgName();
    }

    /** SHA-256 of the DER certificate, upper-case hex pairs joined by colons (as {@code openssl x509 -fingerprint}). */
    public String sha256Fingerprint() {
        return sha256Fingerprint;
    }

    /** The SPKI pin: {@code sha256/} + base64 of SHA-256 over the SubjectPublicKeyInfo (as HPKP and OkHttp). */
    public String spkiPin() {
        return spkiPin;
    }

    /** Whether BasicConstraints says CA:TRUE. */
    public boolean isCertificateAuthority() {
        return certificateAuthority;
    }

    /** For a CA, its path length constraint; empty for no limit or for an end-entity certificate. */
    public OptionalInt pathLength() {
        return pathLength;
    }

    /** TLS extended key usages present (empty when the certificate has no EKU extension). */
    public Set<KeyPurpose> keyPurposes() {
        return keyPurposes;
    }

    /** Whether subject equals issuer and the certificate's own key verifies its signature. */
    public boolean isSelfSigned() {
        return selfSigned;
    }

    /** Whether {@code now} lies within notBefore..notAfter. */
    public boolean isValidAt(Instant now) {
        return !now.isBefore(notBefore()) && !now.isAfter(notAfter());
    }

    /** Whole days from {@code now} until notAfter; negative once expired. */
    public long daysToExpiry(Instant now) {
        return Math.floorDiv(Duration.between(now, notAfter()).getSeconds(), 86_400L);
    }

    /** Whole days from now until notAfter; negative once expired. */
    public long daysToExpiry() {
        return daysToExpiry(Instant.now());
    }

    /** A multi-line, human-readable summary (what {@code tether certs inspect} prints). */
    public String describe(Instant now) {
        StringBuilder out = new StringBuilder();
        line(out, "Subject", subject.isEmpty() ? "(empty)" : subject);
        line(out, "Issuer", issuer + (selfSigned ? " (self-signed)" : ""));
        line(out, "Serial", serialNumber());
        String sans = subjectAlternativeNames.stream().map(SubjectAlternativeName::toString)
                .collect(Collectors.joining(", "));
        line(out, "SANs", sans.isEmpty() ? "(none)" : sans);
        line(out, "Not before", notBefore().toString());
        long days = daysToExpiry(now);
        String state = now.isBefore(notBefore()) ? "NOT YET VALID"
                : now.isAfter(notAfter()) ? "EXPIRED " + (-days) + " days ago" : days + " days left";
        line(out, "Not after", notAfter() + " (" + state + ")");
        line(out, "Key", keyDescription);
        line(out, "Signature", signatureAlgorithm());
        String ca = certificateAuthority ? "yes" + (pathLength.isPresent() ? ", path length " + pathLength.getAsInt()
                : ", no path length limit") : "no";
        line(out, "CA", ca);
        if (!certificateAuthority) {
            line(out, "Purposes", keyPurposes.isEmpty() ? "(any: no extended key usage)"
                    : keyPurposes.stream().map(p -> p.label().toLowerCase(Locale.ROOT) + "Auth")
                            .collect(Collectors.joining(", ")));
        }
        line(out, "SHA-256", sha256Fingerprint);
        line(out, "SPKI pin", spkiPin);
        return out.toString();
    }

    @Override
    public String toString() {
        return "CertificateInfo[" + subject + ", expires " + notAfter() + "]";
    }

    // ---------------------------------------------------------------------------------- static helpers

    /** The SPKI SHA-256 pin of a public key: {@code sha256/<base64>}. */
    public static String spkiPin(PublicKey key) {
        return "sha256/" + Base64.getEncoder().encodeToString(sha256(key.getEncoded()));
    }

    /** The SPKI SHA-256 pin of a certificate's public key. */
    public static String spkiPin(X509Certificate certificate) {
        return spkiPin(certificate.getPublicKey());
    }

    /** SHA-256 fingerprint of a certificate in the {@code AB:CD:...} form. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** Whether the certificate names itself as issuer and its own key verifies its signature. */
    public static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-11s %s%n", label + ":", value));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static int bitsOf(PublicKey key) {
        if (key instanceof RSAKey) {
            return ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECKey) {
            return ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof EdECKey) {
            return ((EdECKey) key).getParams().getName().equals("Ed25519") ? 256 : 456;
        }
        return 0;
    }

    private static Optional<String> commonNameOf(X509Certificate certificate) {
        X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cns = name.getRDNs(BCStyle.CN);
        if (cns.length == 0) {
            return Optional.empty();
        }
        return Optional.of(IETFUtils.valueToString(cns[cns.length - 1].getFirst().getValue()));
    }

    private static List<SubjectAlternativeName> sansOf(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.subjectAlternativeName.getId());
        if (extension == null) {
            return List.of();
        }
        GeneralNames names = GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        return List.copyOf(Names.fromGeneralNames(names, new ArrayList<>()));
    }

    private static Set<KeyPurpose> purposesOf(X509Certificate certificate) {
        try {
            List<String> ekus = certificate.getExtendedKeyUsage();
            Set<KeyPurpose> result = EnumSet.noneOf(KeyPurpose.class);
            if (ekus != null) {
                for (String oid : ekus) {
                    KeyPurpose purpose = KeyPurpose.ofOid(oid);
                    if (purpose != null) {
                        result.add(purpose);
                    }
                }
            }
            return java.util.Collections.unmodifiableSet(result);
        } catch (CertificateParsingException e) {
            return Set.of();
        }
    }
}
