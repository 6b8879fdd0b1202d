package dev.tether.tls.cert.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Turns key structures parsed by BouncyCastle into key objects of the JDK's own providers, so that keys
 * handed to callers work with {@code KeyManagerFactory}, {@code SSLContext} and {@code Signature} without
 * BouncyCastle being registered.
 */
public final class JdkKeys {
    private JdkKeys() {
    }

    /** The JCA algorithm name for a key algorithm identifier, or {@code null} if unsupported. */
    public static String algorithmName(ASN1ObjectIdentifier oid) {
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA";
        }
        if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            return "RSASSA-PSS";
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            return "Ed448";
        }
        if (oid.equals(X9ObjectIdentifiers.id_dsa)) {
            return "DSA";
        }
        return null;
    }

    /** Converts a PKCS#8 structure into a JDK private key. */
    public static PrivateKey privateKey(PrivateKeyInfo info) throws GeneralSecurityException, IOException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String name = algorithmName(oid);
        if (name == null) {
            throw new GeneralSecurityException("unsupported private key algorithm " + oid.getId());
        }
        return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    }

    /** Converts a SubjectPublicKeyInfo structure into a JDK public key. */
    public static PublicKey publicKey(SubjectPublicKeyInfo info) throws GeneralSecurityException, IOException {
        ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
        String name = algorithmName(oid);
        if (name == null) {
            throw new GeneralSecurityException("unsupported public key algorithm " + oid.getId());
        }
        return KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    }
}
