package dev.tether.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Objects;

/**
 * SPKI SHA-256 pins, the format HPKP, OkHttp and {@code curl --pinnedpubkey} use:
 * {@code sha256/} followed by the base64 SHA-256 of the certificate's SubjectPublicKeyInfo. A pin survives
 * certificate renewal with the same key. To compute one for a live server:
 * {@code openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64}.
 */
public final class CertificatePins {
    private static final String PREFIX = "sha256/";

    private CertificatePins() {
    }

    /** The pin of a certificate's public key, as {@code sha256/<base64>}. */
    public static String sha256(X509Certificate certificate) {
        Objects.requireNonNull(certificate, "certificate");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
            return PREFIX + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * Normalises a pin given as {@code sha256/<base64>} or bare base64 to {@code sha256/<base64>}.
     *
     * @throws TlsConfigException naming the pin when it is not a base64 SHA-256 digest
     */
    public static String normalize(String pin) {
        Objects.requireNonNull(pin, "pin");
        String trimmed = pin.trim();
        String base64 = trimmed.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? trimmed.substring(PREFIX.length()) : trimmed;
        if (trimmed.matches("(?i)(sha1|sha384|sha512|md5)/.*")) {
            throw new TlsConfigException("pin must be sha256/<base64 of the SPKI SHA-256>, other hashes are not "
                    + "supported: " + pin);
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException("pin is not valid base64: " + pin, e);
        }
        if (digest.length != 32) {
            throw new TlsConfigException("pin must be a 32-byte SHA-256 digest, found " + digest.length
                    + " bytes: " + pin);
        }
        return PREFIX + Base64.getEncoder().encodeToString(digest);
    }
}
