package dev.tether.tls.cert.internal;

import dev.tether.tls.cert.CertificateMaterialException;
import dev.tether.tls.cert.CertificateMaterialException.Problem;
import dev.tether.tls.cert.KeyEncryption;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.crypto.util.ScryptConfig;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** The PEM parsing and encoding behind {@link dev.tether.tls.cert.Pem}. */
public final class PemCodec {
    /** PBKDF2-HMAC-SHA256 iterations for keys we encrypt (OWASP 2023 guidance is 600,000). */
    public static final int PBKDF2_ITERATIONS = 600_000;
    /* OpenSSL's defaults; a larger N exceeds the 32 MiB OpenSSL allows scrypt by default, so it could not read the key. */
    private static final int SCRYPT_COST = 16_384;
    private static final int SCRYPT_BLOCK_SIZE = 8;
    private static final int SCRYPT_PARALLELISM = 1;

    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS8_ENCRYPTED = "ENCRYPTED PRIVATE KEY";
    private static final String PKCS1_RSA = "RSA PRIVATE KEY";
    private static final String SEC1_EC = "EC PRIVATE KEY";
    private static final String EC_PARAMETERS = "EC PARAMETERS";
    private static final List<String> KEY_LABELS = List.of(PKCS8, PKCS8_ENCRYPTED, PKCS1_RSA, SEC1_EC);
    private static final String EXPECTED_KEY =
            "expected a private key (PEM block PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)";

    private PemCodec() {
    }

    // ------------------------------------------------------------------------------------ certificates

    public static List<X509Certificate> certificates(byte[] input, String source)
            throws CertificateMaterialException {
        List<PemObject> blocks = blocks(input, source);
        List<X509Certificate> result = new ArrayList<>();
        if (blocks.isEmpty()) {
            if (looksLikeDer(input)) {
                result.add(derCertificate(input, source, 1));
                return result;
            }
            throw new CertificateMaterialException(Problem.MISSING, source,
                    "expected PEM certificates (-----BEGIN CERTIFICATE-----) but found no PEM block");
        }
        int index = 0;
        for (PemObject block : blocks) {
            index++;
            String type = block.getType();
            if (type.equals(CERTIFICATE) || type.equals("X509 CERTIFICATE") || type.equals("TRUSTED CERTIFICATE")) {
                result.add(derCertificate(block.getContent(), source, index));
            }
        }
        if (result.isEmpty()) {
            throw new CertificateMaterialException(Problem.MISSING, source,
                    "expected at least one CERTIFICATE block but found " + describe(blocks));
        }
        return List.copyOf(result);
    }

    private static X509Certificate derCertificate(byte[] der, String source, int index)
            throws CertificateMaterialException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "PEM block " + index + " is labelled as a certificate but is not a valid X.509 certificate ("
                            + e.getMessage() + ")", e);
        }
    }

    public static String encodeCertificates(List<X509Certificate> certificates) {
        Objects.requireNonNull(certificates, "certificates");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates must not be empty");
        }
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            for (X509Certificate certificate : certificates) {
                Objects.requireNonNull(certificate, "certificate");
                writer.writeObject(new PemObject(CERTIFICATE, certificate.getEncoded()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------ private keys

    public static boolean isEncryptedKey(byte[] input, String source) throws CertificateMaterialException {
        PemObject block = keyBlock(blocks(input, source), source);
        return block.getType().equals(PKCS8_ENCRYPTED) || isLegacyEncrypted(block);
    }

    public static PrivateKey privateKey(byte[] input, char[] password, String source)
            throws CertificateMaterialException {
        List<PemObject> blocks = blocks(input, source);
        if (blocks.isEmpty() && looksLikeDer(input)) {
            return derPrivateKey(input, source);
        }
        PemObject block = keyBlock(blocks, source);
        PrivateKeyInfo info;
        switch (block.getType()) {
            case PKCS8:
                info = parse(source, "PKCS#8 PRIVATE KEY", () -> PrivateKeyInfo.getInstance(block.getContent()));
                break;
            case PKCS8_ENCRYPTED:
                info = decryptPkcs8(block, password, source);
                break;
            case PKCS1_RSA:
                info = isLegacyEncrypted(block) ? decryptLegacy(block, password, source)
                        : parse(source, "PKCS#1 RSA PRIVATE KEY", () -> new PrivateKeyInfo(
                                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                                RSAPrivateKey.getInstance(block.getContent())));
                break;
            case SEC1_EC:
                info = isLegacyEncrypted(block) ? decryptLegacy(block, password, source)
                        : sec1(block, ecParameters(blocks), source);
                break;
            default:
                throw new IllegalStateException("unexpected key block " + block.getType());
        }
        return toJdk(info, source);
    }

    public static String encodePrivateKey(PrivateKey key, char[] password, KeyEncryption encryption) {
        Objects.requireNonNull(key, "key");
        try {
            OutputEncryptor encryptor = null;
            if (password != null && encryption == KeyEncryption.SCRYPT_AES_256) {
                encryptor = new JcePKCSPBEOutputEncryptorBuilder(
                        new ScryptConfig.Builder(SCRYPT_COST, SCRYPT_BLOCK_SIZE, SCRYPT_PARALLELISM)
                                .withSaltLength(16).build(), NISTObjectIdentifiers.id_aes256_CBC)
                        .setProvider(BouncyCastle.provider())
                        .setRandom(new SecureRandom())
                        .build(password);
            } else if (password != null) {
                encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setProvider(BouncyCastle.provider())
                        .setRandom(new SecureRandom())
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(PBKDF2_ITERATIONS)
                        .setPassword(password)
                        .build();
            }
            PemObject pem = new JcaPKCS8Generator(key, encryptor).generate();
            StringWriter out = new StringWriter();
            try (PemWriter writer = new PemWriter(out)) {
                writer.writeObject(pem);
            }
            return out.toString();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("PKCS#8 encryption " + encryption + " is unavailable", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("private key cannot be encoded as PKCS#8 ("
                    + key.getAlgorithm() + "): " + e.getMessage(), e);
        }
    }

    private static PemObject keyBlock(List<PemObject> blocks, String source) throws CertificateMaterialException {
        List<PemObject> keys = blocks.stream().filter(b -> KEY_LABELS.contains(b.getType()))
                .collect(Collectors.toList());
        if (keys.size() == 1) {
            return keys.get(0);
        }
        if (keys.size() > 1) {
            throw new CertificateMaterialException(Problem.AMBIGUOUS, source,
                    "expected one private key but found " + keys.size() + " (" + describe(blocks) + ")");
        }
        if (blocks.isEmpty()) {
            throw new CertificateMaterialException(Problem.MISSING, source, EXPECTED_KEY + " but found no PEM block");
        }
        boolean openssh = blocks.stream().anyMatch(b -> b.getType().equals("OPENSSH PRIVATE KEY"));
        if (openssh) {
            throw new CertificateMaterialException(Problem.UNSUPPORTED, source, EXPECTED_KEY
                    + " but found an OpenSSH key; convert it with: ssh-keygen -p -m PKCS8 -f <file>");
        }
        throw new CertificateMaterialException(Problem.MISSING, source, EXPECTED_KEY + " but found " + describe(blocks));
    }

    private static PrivateKeyInfo decryptPkcs8(PemObject block, char[] password, String source)
            throws CertificateMaterialException {
        PKCS8EncryptedPrivateKeyInfo encrypted = parse(source, "ENCRYPTED PRIVATE KEY",
                () -> new PKCS8EncryptedPrivateKeyInfo(block.getContent()));
        requirePassword(password, source);
        try {
            return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(BouncyCastle.provider()).build(password));
        } catch (Exception e) {
            // A wrong password almost always fails the padding check; the rare pass yields garbage DER.
            throw wrongPassword(source, e);
        }
    }

    private static PrivateKeyInfo decryptLegacy(PemObject block, char[] password, String source)
            throws CertificateMaterialException {
        requirePassword(password, source);
        Object parsed = parse(source, block.getType(), () -> {
            try (PEMParser parser = new PEMParser(new StringReader(encode(block)))) {
                return parser.readObject();
            }
        });
        if (!(parsed instanceof PEMEncryptedKeyPair)) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "expected an OpenSSL-encrypted " + block.getType() + " but its headers are not understood");
        }
        PEMKeyPair pair;
        try {
            pair = ((PEMEncryptedKeyPair) parsed).decryptKeyPair(
                    new JcePEMDecryptorProviderBuilder().setProvider(BouncyCastle.provider()).build(password));
        } catch (Exception e) {
            throw wrongPassword(source, e);
        }
        return pair.getPrivateKeyInfo();
    }

    private static PrivateKeyInfo sec1(PemObject block, ASN1Encodable separateParameters, String source)
            throws CertificateMaterialException {
        return parse(source, "SEC1 EC PRIVATE KEY", () -> {
            ECPrivateKey ec = ECPrivateKey.getInstance(block.getContent());
            ASN1Encodable parameters = ec.getParametersObject();
            ASN1Encodable curve = parameters != null ? parameters : separateParameters;
            if (curve == null) {
                throw new IOException("the EC key names no curve and no EC PARAMETERS block precedes it");
            }
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec);
        });
    }

    private static ASN1Encodable ecParameters(List<PemObject> blocks) {
        for (PemObject block : blocks) {
            if (block.getType().equals(EC_PARAMETERS)) {
                try {
                    return ASN1Primitive.fromByteArray(block.getContent());
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static PrivateKey derPrivateKey(byte[] der, String source) throws CertificateMaterialException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new CertificateMaterialException(Problem.MISSING, source,
                    EXPECTED_KEY + " but found no PEM block, and the content is not a DER PKCS#8 key either", e);
        }
        return toJdk(info, source);
    }

    private static PrivateKey toJdk(PrivateKeyInfo info, String source) throws CertificateMaterialException {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (JdkKeys.algorithmName(oid) == null) {
            throw new CertificateMaterialException(Problem.UNSUPPORTED, source,
                    "expected an RSA, EC or Ed25519 private key but found algorithm " + oid.getId());
        }
        try {
            return JdkKeys.privateKey(info);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "the " + JdkKeys.algorithmName(oid) + " private key is malformed or uses unsupported parameters ("
                            + e.getMessage() + ")", e);
        }
    }

    private static void requirePassword(char[] password, String source) throws CertificateMaterialException {
        if (password == null) {
            throw new CertificateMaterialException(Problem.PASSWORD_REQUIRED, source,
                    "the private key is encrypted but no password was given");
        }
    }

    private static CertificateMaterialException wrongPassword(String source, Exception e) {
        return new CertificateMaterialException(Problem.WRONG_PASSWORD, source,
                "cannot decrypt the private key: wrong password, or the encrypted key is damaged", e);
    }

    private static boolean isLegacyEncrypted(PemObject block) {
        for (Object header : block.getHeaders()) {
            PemHeader h = (PemHeader) header;
            if (h.getName().equals("Proc-Type") && h.getValue().contains("ENCRYPTED")) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------ PEM framing

    private static List<PemObject> blocks(byte[] input, String source) throws CertificateMaterialException {
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new InputStreamReader(new ByteArrayInputStream(input),
                StandardCharsets.US_ASCII))) {
            PemObject block;
            while ((block = reader.readPemObject()) != null) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "not valid PEM after " + blocks.size() + " good block(s): " + e.getMessage(), e);
        }
        return blocks;
    }

    private static boolean looksLikeDer(byte[] input) {
        return input.length > 2 && input[0] == 0x30;
    }

    private static String describe(List<PemObject> blocks) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (PemObject block : blocks) {
            counts.merge(block.getType(), 1, Integer::sum);
        }
        return counts.entrySet().stream()
                .map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String encode(PemObject block) throws IOException {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(block);
        }
        return out.toString();
    }

    @FunctionalInterface
    private interface Parse<T> {
        T get() throws Exception;
    }

    private static <T> T parse(String source, String what, Parse<T> parse) throws CertificateMaterialException {
        try {
            return parse.get();
        } catch (CertificateMaterialException e) {
            throw e;
        } catch (Exception e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "the " + what + " block is not valid DER (" + e.getMessage() + ")", e);
        }
    }
}
