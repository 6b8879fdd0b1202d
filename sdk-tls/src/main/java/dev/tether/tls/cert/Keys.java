package dev.tether.tls.cert;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.Objects;

/** Checks on key pairs that span a private key and a certificate. */
public final class Keys {
    private Keys() {
    }

    /**
     * Whether {@code privateKey} is the private half of {@code publicKey}. RSA keys are compared by modulus;
     * other keys by signing a random challenge and verifying it, which works for every signature algorithm.
     */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
        if (privateKey instanceof RSAKey && publicKey instanceof RSAKey) {
            return ((RSAKey) privateKey).getModulus().equals(((RSAKey) publicKey).getModulus());
        }
        String algorithm = signatureAlgorithm(privateKey);
        if (algorithm == null || !sameFamily(privateKey, publicKey)) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Keys on different curves or with mismatched parameters are rejected by the providers.
            return false;
        }
    }

    /**
     * Fails unless {@code privateKey} belongs to {@code certificate}'s public key.
     *
     * @param source names the key and certificate files in the error message
     * @throws CertificateMaterialException with {@link Problem#KEY_MISMATCH}
     */
    public static void requireMatch(PrivateKey privateKey, X509Certificate certificate, String source)
            throws CertificateMaterialException {
        if (!matches(privateKey, certificate.getPublicKey())) {
            throw new CertificateMaterialException(Problem.KEY_MISMATCH, source,
                    "the private key (" + privateKey.getAlgorithm() + ") does not belong to the certificate "
                            + certificate.getSubjectX500Principal().getName() + " (public key "
                            + KeyType.describe(certificate.getPublicKey()) + ")");
        }
    }

    private static boolean sameFamily(PrivateKey privateKey, PublicKey publicKey) {
        return normalize(privateKey.getAlgorithm()).equals(normalize(publicKey.getAlgorithm()));
    }

    private static String normalize(String algorithm) {
        switch (algorithm) {
            case "EdDSA":
            case "Ed25519":
            case "Ed448":
                return "EdDSA";
            case "ECDSA":
            case "EC":
                return "EC";
            default:
                return algorithm;
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        switch (normalize(key.getAlgorithm())) {
            case "EC":
                return "SHA256withECDSA";
            case "EdDSA":
                return "EdDSA";
            case "DSA":
                return "SHA256withDSA";
            default:
                return null;
        }
    }
}
