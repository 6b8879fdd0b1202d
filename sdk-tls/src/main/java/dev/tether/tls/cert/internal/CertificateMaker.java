package dev.tether.tls.cert.internal;

import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs X.509 v3 certificates with the extensions a TLS deployment needs, the same way for
 * certificates made from a builder and for certificates issued from a signing request.
 */
public final class CertificateMaker {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What to put into one certificate.
     *
     * @param subject     the subject name (may be empty when SANs are present)
     * @param subjectKey  the certified public key
     * @param sans        subject alternative names
     * @param ca          whether this is a CA certificate
     * @param pathLength  for a CA, the maximum number of CAs below it, or -1 for no limit
     * @param purposes    extended key usages for an end-entity certificate (ignored for CAs)
     * @param notBefore   start of validity
     * @param notAfter    end of validity
     * @param issuer      the issuing certificate, or {@code null} for a self-signed certificate
     * @param signingKey  the issuer's private key (the subject's own key when self-signed)
     */
    public record Spec(X500Name subject, PublicKey subjectKey, List<SubjectAlternativeName> sans, boolean ca,
                       int pathLength, Set<KeyPurpose> purposes, Instant notBefore, Instant notAfter,
                       X509Certificate issuer, PrivateKey signingKey) {
    }

    private CertificateMaker() {
    }

    public static X509Certificate make(Spec spec) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X500Name issuerName = spec.issuer() == null ? spec.subject()
                    : X500Name.getInstance(spec.issuer().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, randomSerial(),
                    Date.from(spec.notBefore()), Date.from(spec.notAfter()), spec.subject(), spec.subjectKey());

            SubjectKeyIdentifier ski = utils.createSubjectKeyIdentifier(spec.subjectKey());
            builder.addExtension(Extension.subjectKeyIdentifier, false, ski);
            byte[] authorityKeyId = spec.issuer() == null ? ski.getKeyIdentifier() : keyIdentifierOf(spec.issuer());
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));

            if (spec.ca()) {
                builder.addExtension(Extension.basicConstraints, true, spec.pathLength() < 0
                        ? new BasicConstraints(true) : new BasicConstraints(spec.pathLength()));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(
                        KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                // keyEncipherment only means something for RSA key transport; EC and EdDSA keys cannot do it.
                int usage = spec.subjectKey() instanceof RSAKey
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                if (!spec.purposes().isEmpty()) {
                    KeyPurposeId[] ids = spec.purposes().stream().sorted()
                            .map(p -> KeyPurposeId.getInstance(new org.bouncycastle.asn1.ASN1ObjectIdentifier(p.oid())))
                            .toArray(KeyPurposeId[]::new);
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids));
                }
            }
            if (!spec.sans().isEmpty()) {
                // RFC 5280 4.2.1.6: with an empty subject the SAN extension carries the identity and is critical.
                boolean critical = spec.subject().getRDNs().length == 0;
                builder.addExtension(Extension.subjectAlternativeName, critical, Names.toGeneralNames(spec.sans()));
            }
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(spec.signingKey()))
                    .build(spec.signingKey());
            byte[] der = builder.build(signer).getEncoded();
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build certificate for " + spec.subject() + ": " + e.getMessage(), e);
        }
    }

    /** The key identifier an issuer's certificate declares, or one computed from its key (RFC 5280 method 1). */
    public static byte[] keyIdentifierOf(X509Certificate certificate) throws GeneralSecurityException {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension != null) {
            return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                    .getKeyIdentifier();
        }
        return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(certificate.getPublicKey()).getKeyIdentifier();
    }

    /** The signature algorithm a key signs certificates with: SHA-2 sized to the key, or pure EdDSA. */
    public static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof RSAKey) {
            return "SHA256withRSA";
        }
        if (key instanceof ECKey) {
            int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
            return bits <= 256 ? "SHA256withECDSA" : bits <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        if (key instanceof java.security.interfaces.EdECKey) {
            return ((java.security.interfaces.EdECKey) key).getParams().getName();
        }
        throw new IllegalArgumentException("cannot sign certificates with a " + key.getAlgorithm() + " key");
    }

    /* 128 random bits, positive; RFC 5280 allows up to 20 octets and CAs need at least 64 bits of entropy. */
    private static BigInteger randomSerial() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            RANDOM.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }
}
