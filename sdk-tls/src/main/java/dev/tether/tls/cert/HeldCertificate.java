package dev.tether.tls.cert;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import dev.tether.tls.cert.internal.CertificateMaker;
import dev.tether.tls.cert.internal.SubjectNames;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A certificate together with its private key and the certificates that issued it: everything one side of
 * a TLS connection needs to present itself, or a CA needs to sign.
 *
 * <pre>{@code
 * HeldCertificate root = HeldCertificate.builder()
 *         .commonName("Example Root CA")
 *         .certificateAuthority(1)
 *         .build();
 * HeldCertificate server = HeldCertificate.builder()
 *         .commonName("api.example.com")
 *         .addDnsName("api.example.com")
 *         .addIpAddress("10.0.0.7")
 *         .serverAuth()
 *         .signedBy(root)
 *         .build();
 * }</pre>
 *
 * <p>Defaults are chosen to work everywhere and to be safe: EC P-256 keys, random 128-bit serial numbers,
 * validity starting five minutes in the past (so a peer whose clock lags a little accepts a fresh
 * certificate), 365 days for end-entity certificates (below the 398/825-day limits clients enforce) and
 * ten years for CAs. Extensions follow RFC 5280 and the CA/Browser Forum profile: subject and authority key
 * identifiers, critical basic constraints, critical key usage matched to the key type (no keyEncipherment
 * on EC or Ed25519 keys) and extended key usage for TLS server and/or client authentication.
 */
public final class HeldCertificate {
    /** How far back notBefore is set when only a duration is given, to tolerate clock skew. */
    public static final Duration BACKDATE = Duration.ofMinutes(5);
    /** Default validity of an end-entity certificate. */
    public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(365);
    /** Default validity of a CA certificate. */
    public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);

    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final List<X509Certificate> issuers;

    private HeldCertificate(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> issuers) {
        this.certificate = certificate;
        this.keyPair = keyPair;
        this.issuers = List.copyOf(issuers);
    }

    /**
     * Wraps existing material after checking that the private key belongs to the certificate.
     *
     * @param issuers the issuing certificates, nearest first (may include the root or not)
     * @throws CertificateMaterialException with {@link Problem#KEY_MISMATCH} if the key does not match
     */
    public static HeldCertificate of(X509Certificate certificate, PrivateKey privateKey,
            List<X509Certificate> issuers) throws CertificateMaterialException {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(issuers, "issuers");
        Keys.requireMatch(privateKey, certificate, null);
        return new HeldCertificate(certificate, new KeyPair(certificate.getPublicKey(), privateKey), issuers);
    }

    /**
     * Loads a certificate chain (leaf first) and its private key from PEM files, checking that they belong
     * together. Validity dates are not checked here; see {@link CertificateAuthority#load} for a CA.
     *
     * @param password the key's password, or {@code null} if it is not encrypted
     */
    public static HeldCertificate load(Path certificateFile, Path keyFile, char[] password) throws IOException {
        List<X509Certificate> chain = Pem.readCertificates(certificateFile);
        PrivateKey key = Pem.readPrivateKey(keyFile, password);
        Keys.requireMatch(key, chain.get(0), keyFile + " (key) and " + certificateFile + " (certificate)");
        return new HeldCertificate(chain.get(0), new KeyPair(chain.get(0).getPublicKey(), key),
                chain.subList(1, chain.size()));
    }

    /** Starts describing a new certificate. */
    public static Builder builder() {
        return new Builder();
    }

    /** The certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The key pair; its public key is the certificate's. */
    public KeyPair keyPair() {
        return keyPair;
    }

    /** The private key. */
    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /**
     * What a TLS peer presents: this certificate followed by its intermediate CAs, without the self-signed
     * root (peers already trust the root, and sending it only costs bytes).
     */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        for (X509Certificate issuer : issuers) {
            if (!CertificateInfo.isSelfSigned(issuer)) {
                chain.add(issuer);
            }
        }
        return Collections.unmodifiableList(chain);
    }

    /** Every known issuer, nearest first, including the root when it is known. */
    public List<X509Certificate> issuers() {
        return issuers;
    }

    /**
     * The certificate at the top of the known chain: the self-signed root if known, else the last issuer,
     * or this certificate itself when it is self-signed or has no known issuer.
     */
    public X509Certificate root() {
        return issuers.isEmpty() ? certificate : issuers.get(issuers.size() - 1);
    }

    /** Inspection of the certificate. */
    public CertificateInfo info() {
        return CertificateInfo.of(certificate);
    }

    /** PEM text of {@link #chain()}. */
    public String chainPem() {
        return Pem.encodeCertificates(chain());
    }

    /** PEM text of the certificate alone. */
    public String certificatePem() {
        return Pem.encodeCertificate(certificate);
    }

    /** PEM text of the unencrypted PKCS#8 private key. Handle with care. */
    public String privateKeyPem() {
        return Pem.encodePrivateKey(keyPair.getPrivate());
    }

    /**
     * Writes {@link #chain()} to {@code certificateFile} and the private key to {@code keyFile} (mode 0600,
     * encrypted when {@code password} is not null). With {@link ExistingFile#FAIL}, neither file is written
     * when either exists. The key is written first, so a failure never leaves a certificate whose key is
     * missing.
     */
    public void write(Path certificateFile, Path keyFile, char[] password, ExistingFile existing) throws IOException {
        if (existing == ExistingFile.FAIL) {
            for (Path file : List.of(keyFile, certificateFile)) {
                if (java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new java.nio.file.FileAlreadyExistsException(file.toString(), null,
                            "refusing to overwrite an existing file (ask explicitly to replace it)");
                }
            }
        }
        Pem.writePrivateKey(keyFile, keyPair.getPrivate(), password, existing);
        Pem.writeCertificates(certificateFile, chain(), existing);
    }

    @Override
    public String toString() {
        return "HeldCertificate[" + certificate.getSubjectX500Principal().getName() + ", "
                + KeyType.describe(certificate.getPublicKey()) + "]";
    }

    /**
     * Describes a certificate to create. Without {@link #signedBy} the certificate is self-signed. Every
     * method validates its argument and fails with {@link IllegalArgumentException} naming the bad value.
     */
    public static final class Builder {
        private final SubjectNames subject = new SubjectNames();
        private final Set<SubjectAlternativeName> sans = new LinkedHashSet<>();
        private final Set<KeyPurpose> purposes = EnumSet.noneOf(KeyPurpose.class);
        private KeyType keyType = KeyType.defaultType();
        private KeyPair keyPair;
        private boolean ca;
        private int pathLength = -1;
        private Duration validity;
        private Instant notBefore;
        private Instant notAfter;
        private HeldCertificate issuer;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The subject's common name (CN). */
        public Builder commonName(String commonName) {
            subject.commonName(commonName);
            return this;
        }

        /** The subject's organization (O). */
        public Builder organization(String organization) {
            subject.organization(organization);
            return this;
        }

        /** The subject's organizational unit (OU). */
        public Builder organizationalUnit(String unit) {
            subject.organizationalUnit(unit);
            return this;
        }

        /** A DNS name SAN ({@code example.com}, {@code *.example.com}). */
        public Builder addDnsName(String name) {
            sans.add(SubjectAlternativeName.dns(name));
            return this;
        }

        /** An IP address SAN; the text must be an IPv4 or IPv6 literal (no name lookup is made). */
        public Builder addIpAddress(String address) {
            sans.add(SubjectAlternativeName.ip(address));
            return this;
        }

        /** A URI SAN, such as a SPIFFE ID {@code spiffe://example.org/ns/default/sa/api}. */
        public Builder addUri(String uri) {
            sans.add(SubjectAlternativeName.uri(uri));
            return this;
        }

        /** An e-mail SAN. */
        public Builder addEmail(String address) {
            sans.add(SubjectAlternativeName.email(address));
            return this;
        }

        /** A SAN whose type is guessed from the text; see {@link SubjectAlternativeName#parse(String)}. */
        public Builder addSubjectAlternativeName(String text) {
            sans.add(SubjectAlternativeName.parse(text));
            return this;
        }

        /** A SAN of a given type. */
        public Builder addSubjectAlternativeName(SubjectAlternativeName san) {
            sans.add(Objects.requireNonNull(san, "san"));
            return this;
        }

        /** Marks the certificate for TLS server authentication (EKU serverAuth). */
        public Builder serverAuth() {
            purposes.add(KeyPurpose.SERVER_AUTH);
            return this;
        }

        /** Marks the certificate for TLS client authentication (EKU clientAuth). */
        public Builder clientAuth() {
            purposes.add(KeyPurpose.CLIENT_AUTH);
            return this;
        }

        /** Adds extended key usages. */
        public Builder purposes(Set<KeyPurpose> more) {
            purposes.addAll(more);
            return this;
        }

        /**
         * Makes a CA certificate that may have at most {@code maxIntermediateCas} CAs below it
         * (BasicConstraints pathLenConstraint): 0 means it signs end-entity certificates only.
         */
        public Builder certificateAuthority(int maxIntermediateCas) {
            if (maxIntermediateCas < 0) {
                throw new IllegalArgumentException("maxIntermediateCas must not be negative: " + maxIntermediateCas);
            }
            this.ca = true;
            this.pathLength = maxIntermediateCas;
            return this;
        }

        /** Makes a CA certificate without a path length limit. */
        public Builder certificateAuthority() {
            this.ca = true;
            this.pathLength = -1;
            return this;
        }

        /** Generates a key of this type (default {@link KeyType#EC_P256}). */
        public Builder keyType(KeyType type) {
            this.keyType = Objects.requireNonNull(type, "keyType");
            this.keyPair = null;
            return this;
        }

        /** Certifies an existing key pair instead of generating one. */
        public Builder keyPair(KeyPair pair) {
            this.keyPair = Objects.requireNonNull(pair, "keyPair");
            return this;
        }

        /** Valid from {@link #BACKDATE} before now until {@code duration} after now. */
        public Builder validFor(Duration duration) {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("validity must be positive: " + duration);
            }
            this.validity = duration;
            this.notBefore = null;
            this.notAfter = null;
            return this;
        }

        /**
         * Exact validity dates, for example in the past to make an expired certificate for a test, or in
         * the future for a not-yet-valid one. No backdating is applied.
         */
        public Builder validity(Instant notBefore, Instant notAfter) {
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(notAfter, "notAfter");
            if (!notAfter.isAfter(notBefore)) {
                throw new IllegalArgumentException("notAfter " + notAfter + " must be after notBefore " + notBefore);
            }
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            this.validity = null;
            return this;
        }

        /** The clock "now" is read from (for tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Signs the certificate with {@code issuer}, which must be a CA whose path length allows what is
         * being built. Without this the certificate is self-signed.
         */
        public Builder signedBy(HeldCertificate issuer) {
            Objects.requireNonNull(issuer, "issuer");
            CertificateInfo info = issuer.info();
            if (!info.isCertificateAuthority()) {
                throw new IllegalArgumentException("issuer is not a CA (no BasicConstraints CA:TRUE): "
                        + info.subject());
            }
            this.issuer = issuer;
            return this;
        }

        /** Generates the key (unless one was given) and signs the certificate. */
        public HeldCertificate build() {
            if (subject.isEmpty() && sans.isEmpty()) {
                throw new IllegalStateException("a certificate needs a common name or at least one subject alternative name");
            }
            if (ca && subject.isEmpty()) {
                throw new IllegalStateException("a CA certificate needs a subject name (commonName)");
            }
            if (ca && !purposes.isEmpty()) {
                throw new IllegalStateException("a CA certificate carries no TLS key purposes; remove serverAuth()/clientAuth()");
            }
            if (issuer != null) {
                checkPathLength(issuer.certificate());
            }
            Instant start;
            Instant end;
            if (notBefore != null) {
                start = notBefore;
                end = notAfter;
            } else {
                Instant now = clock.instant();
                start = now.minus(BACKDATE);
                end = now.plus(validity != null ? validity : ca ? DEFAULT_CA_VALIDITY : DEFAULT_LEAF_VALIDITY);
            }
            KeyPair pair = keyPair != null ? keyPair : keyType.generate();
            X509Certificate certificate = CertificateMaker.make(new CertificateMaker.Spec(
                    subject.toX500Name(), pair.getPublic(), List.copyOf(sans), ca, pathLength,
                    Set.copyOf(purposes), start, end,
                    issuer == null ? null : issuer.certificate(),
                    issuer == null ? pair.getPrivate() : issuer.privateKey()));
            List<X509Certificate> issuers = new ArrayList<>();
            if (issuer != null) {
                issuers.add(issuer.certificate());
                issuers.addAll(issuer.issuers());
            }
            return new HeldCertificate(certificate, pair, issuers);
        }

        private void checkPathLength(X509Certificate issuerCertificate) {
            int issuerLimit = issuerCertificate.getBasicConstraints();
            if (!ca || issuerLimit == Integer.MAX_VALUE) {
                return;
            }
            if (issuerLimit == 0) {
                throw new IllegalStateException("issuer " + issuerCertificate.getSubjectX500Principal().getName()
                        + " has path length 0: it may sign end-entity certificates only, not another CA");
            }
            if (pathLength < 0 || pathLength >= issuerLimit) {
                throw new IllegalStateException("intermediate CA path length must be below the issuer's ("
                        + issuerLimit + "): " + (pathLength < 0 ? "unlimited" : pathLength));
            }
        }
    }
}
