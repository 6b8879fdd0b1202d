package dev.tether.tls.cert;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Key;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;
import java.util.Objects;

/**
 * The key types Tether generates. EC P-256 is the default: small, fast, and accepted everywhere TLS 1.2+
 * runs. RSA sizes below 2048 bits are deliberately not offered.
 */
public enum KeyType {
    /** ECDSA on NIST P-256 (secp256r1), signed with SHA-256. The default. */
    EC_P256("ec-p256", "EC", 256, "SHA256withECDSA"),
    /** ECDSA on NIST P-384 (secp384r1), signed with SHA-384. */
    EC_P384("ec-p384", "EC", 384, "SHA384withECDSA"),
    /** RSA with a 2048-bit modulus, signed with SHA-256. */
    RSA_2048("rsa-2048", "RSA", 2048, "SHA256withRSA"),
    /** RSA with a 3072-bit modulus, signed with SHA-256. */
    RSA_3072("rsa-3072", "RSA", 3072, "SHA256withRSA"),
    /** RSA with a 4096-bit modulus, signed with SHA-256. */
    RSA_4096("rsa-4096", "RSA", 4096, "SHA256withRSA"),
    /** Ed25519 (RFC 8410). Supported by TLS 1.3 stacks and OpenSSL; not by some older clients. */
    ED25519("ed25519", "Ed25519", 256, "Ed25519");

    private final String label;
    private final String algorithm;
    private final int bits;
    private final String signatureAlgorithm;

    KeyType(String label, String algorithm, int bits, String signatureAlgorithm) {
        this.label = label;
        this.algorithm = algorithm;
        this.bits = bits;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The default key type, {@link #EC_P256}. */
    public static KeyType defaultType() {
        return EC_P256;
    }

    /** The command-line name, such as {@code ec-p256} or {@code rsa-3072}. */
    public String label() {
        return label;
    }

    /** Key size in bits (the curve's field size for EC and Ed25519). */
    public int bits() {
        return bits;
    }

    /** The JCA signature algorithm a key of this type signs certificates with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** Generates a fresh key pair of this type with the JDK's providers. */
    public KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            switch (this) {
                case EC_P256:
                    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
                    break;
                case EC_P384:
                    generator.initialize(new ECGenParameterSpec("secp384r1"), new SecureRandom());
                    break;
                case ED25519:
                    break;
                default:
                    generator.initialize(bits, new SecureRandom());
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + label + " keys", e);
        }
    }

    /** Parses a command-line name ({@code ec-p256}, {@code EC_P256}, {@code rsa-2048}, ...), case-insensitively. */
    public static KeyType fromLabel(String label) {
        Objects.requireNonNull(label, "label");
        String wanted = label.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (KeyType type : values()) {
            if (type.label.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown key type: " + label + " (expected one of "
                + java.util.Arrays.stream(values()).map(KeyType::label)
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
    }

    /** The key type of an existing key, or {@code null} when it is not one Tether generates. */
    public static KeyType of(Key key) {
        if (key instanceof RSAKey) {
            int size = ((RSAKey) key).getModulus().bitLength();
            return size == 2048 ? RSA_2048 : size == 3072 ? RSA_3072 : size == 4096 ? RSA_4096 : null;
        }
        if (key instanceof ECKey) {
            int size = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
            return size == 256 ? EC_P256 : size == 384 ? EC_P384 : null;
        }
        if (isEd25519(key)) {
            return ED25519;
        }
        return null;
    }

    /** A short human description such as {@code EC P-256}, {@code RSA 3072} or {@code Ed25519}. */
    public static String describe(PublicKey key) {
        return describeKey(key);
    }

    static String describeKey(Key key) {
        if (key instanceof RSAKey) {
            return "RSA " + ((RSAKey) key).getModulus().bitLength();
        }
        if (key instanceof ECKey) {
            return "EC P-" + ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof EdECKey) {
            return ((EdECKey) key).getParams().getName();
        }
        return key.getAlgorithm();
    }

    private static boolean isEd25519(Key key) {
        return key instanceof EdECKey && ((EdECKey) key).getParams().getName().equals("Ed25519");
    }
}
