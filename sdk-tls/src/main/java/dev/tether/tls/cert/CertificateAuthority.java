package dev.tether.tls.cert;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import dev.tether.tls.cert.internal.CertificateMaker;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A CA certificate with its private key, ready to sign certificate requests under a {@link SigningPolicy}.
 * Loading one from files checks everything that would otherwise surface later as a puzzling TLS failure:
 * that the certificate is a CA, that the key belongs to it, and that it is within its validity.
 */
public final class CertificateAuthority {
    private final HeldCertificate held;
    private final Clock clock;

    private CertificateAuthority(HeldCertificate held, Clock clock) {
        this.held = held;
        this.clock = clock;
    }

    /**
     * Uses a held CA certificate.
     *
     * @throws IllegalArgumentException if it is not a CA certificate
     */
    public static CertificateAuthority of(HeldCertificate held) {
        Objects.requireNonNull(held, "held");
        if (held.certificate().getBasicConstraints() < 0) {
            throw new IllegalArgumentException("not a CA certificate (no BasicConstraints CA:TRUE): "
                    + held.certificate().getSubjectX500Principal().getName());
        }
        return new CertificateAuthority(held, Clock.systemUTC());
    }

    /** Loads a CA from PEM files and checks it; see {@link #load(Path, Path, char[], Clock)}. */
    public static CertificateAuthority load(Path certificateFile, Path keyFile, char[] password) throws IOException {
        return load(certificateFile, keyFile, password, Clock.systemUTC());
    }

    /**
     * Loads a CA certificate (optionally followed by its own issuers) and its private key.
     *
     * @throws CertificateMaterialException {@link Problem#NOT_A_CA}, {@link Problem#EXPIRED},
     *                                      {@link Problem#NOT_YET_VALID} or {@link Problem#KEY_MISMATCH},
     *                                      naming the file; or any problem reading the files
     */
    public static CertificateAuthority load(Path certificateFile, Path keyFile, char[] password, Clock clock)
            throws IOException {
        HeldCertificate held = HeldCertificate.load(certificateFile, keyFile, password);
        X509Certificate certificate = held.certificate();
        String source = certificateFile.toString();
        if (certificate.getBasicConstraints() < 0) {
            throw new CertificateMaterialException(Problem.NOT_A_CA, source,
                    "expected a CA certificate (BasicConstraints CA:TRUE) but "
                            + certificate.getSubjectX500Principal().getName() + " is an end-entity certificate");
        }
        checkValidity(certificate, source, clock.instant());
        return new CertificateAuthority(held, clock);
    }

    /** The CA certificate and key. */
    public HeldCertificate held() {
        return held;
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return held.certificate();
    }

    /** Signs a request with the policy's default validity; see {@link #sign(CertificateRequest, SigningPolicy, Duration)}. */
    public List<X509Certificate> sign(CertificateRequest request, SigningPolicy policy)
            throws CertificateMaterialException {
        return issue(request, policy, null);
    }

    /**
     * Issues an end-entity certificate for a request, valid from shortly before now for {@code validity}.
     *
     * @return the issued certificate followed by this CA's chain without the root (what the requester's
     *         TLS peer should present)
     * @throws CertificateMaterialException {@link Problem#POLICY_VIOLATION} when the request asks for CA
     *                                      rights, a name kind or purpose the policy does not allow, a
     *                                      validity beyond the maximum or beyond this CA's own expiry, or
     *                                      uses an RSA key under 2048 bits; {@link Problem#EXPIRED} when
     *                                      this CA has expired; {@link Problem#INVALID} for a request
     *                                      without any name
     */
    public List<X509Certificate> sign(CertificateRequest request, SigningPolicy policy, Duration validity)
            throws CertificateMaterialException {
        Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        return issue(request, policy, validity);
    }

    private List<X509Certificate> issue(CertificateRequest request, SigningPolicy policy, Duration validity)
            throws CertificateMaterialException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(policy, "policy");
        String what = "certificate request for " + describeSubject(request);
        Instant now = clock.instant();
        X509Certificate ca = held.certificate();
        checkValidity(ca, "CA " + ca.getSubjectX500Principal().getName(), now);

        if (request.requestsCertificateAuthority()) {
            throw refuse(what, "asks for CA rights (BasicConstraints CA:TRUE or keyCertSign/cRLSign); "
                    + "this CA only issues end-entity certificates from requests");
        }
        if (!request.unsupportedNames().isEmpty()) {
            throw refuse(what, "asks for subject alternative names of unsupported kinds: " + request.unsupportedNames());
        }
        List<SubjectAlternativeName> forbidden = request.subjectAlternativeNames().stream()
                .filter(san -> !policy.allowedNames().contains(san.type())).collect(Collectors.toList());
        if (!forbidden.isEmpty()) {
            throw refuse(what, "asks for names the policy does not allow: " + forbidden + " (allowed kinds: "
                    + policy.allowedNames() + ")");
        }
        if (!request.otherRequestedPurposes().isEmpty()) {
            throw refuse(what, "asks for extended key usages other than TLS server/client: "
                    + request.otherRequestedPurposes());
        }
        Set<KeyPurpose> purposes = request.requestedPurposes().isEmpty()
                ? policy.allowedPurposes() : request.requestedPurposes();
        Set<KeyPurpose> notAllowed = EnumSet.noneOf(KeyPurpose.class);
        notAllowed.addAll(purposes);
        notAllowed.removeAll(policy.allowedPurposes());
        if (!notAllowed.isEmpty()) {
            throw refuse(what, "asks for purposes " + notAllowed + " but the policy allows only "
                    + policy.allowedPurposes());
        }
        X500Name subject = request.subjectName();
        if (subject.getRDNs().length == 0 && request.subjectAlternativeNames().isEmpty()) {
            throw new CertificateMaterialException(Problem.INVALID, null,
                    what + " has neither a subject name nor any subject alternative name");
        }
        if (purposes.equals(EnumSet.of(KeyPurpose.SERVER_AUTH)) && request.subjectAlternativeNames().isEmpty()) {
            throw refuse(what, "is for a server but names no DNS or IP subject alternative name; "
                    + "clients ignore the common name when checking host names");
        }
        PublicKey key = request.publicKey();
        if (key instanceof RSAKey && ((RSAKey) key).getModulus().bitLength() < 2048) {
            throw refuse(what, "uses an RSA key of " + ((RSAKey) key).getModulus().bitLength()
                    + " bits; at least 2048 are required");
        }

        Instant notBefore = now.minus(HeldCertificate.BACKDATE);
        Instant caEnd = ca.getNotAfter().toInstant();
        Instant notAfter;
        if (validity == null) {
            Instant wanted = now.plus(policy.defaultValidity());
            notAfter = wanted.isAfter(caEnd) ? caEnd : wanted;
        } else {
            if (validity.compareTo(policy.maxValidity()) > 0) {
                throw refuse(what, "asks for " + validity.toDays() + " days of validity; the policy allows at most "
                        + policy.maxValidity().toDays());
            }
            notAfter = now.plus(validity);
            if (notAfter.isAfter(caEnd)) {
                throw refuse(what, "would be valid until " + notAfter + ", after the CA itself expires ("
                        + caEnd + "); ask for at most " + Duration.between(now, caEnd).toDays() + " days");
            }
        }
        X509Certificate issued = CertificateMaker.make(new CertificateMaker.Spec(subject, key,
                request.subjectAlternativeNames(), false, -1, purposes, notBefore, notAfter, ca, held.privateKey()));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(issued);
        for (X509Certificate certificate : held.chain()) {
            if (!CertificateInfo.isSelfSigned(certificate)) {
                chain.add(certificate);
            }
        }
        return List.copyOf(chain);
    }

    private static String describeSubject(CertificateRequest request) {
        String subject = request.subject();
        return subject.isEmpty() ? String.valueOf(request.subjectAlternativeNames()) : subject;
    }

    private static CertificateMaterialException refuse(String what, String why) {
        return new CertificateMaterialException(Problem.POLICY_VIOLATION, null, "refusing to sign " + what + ": it "
                + why);
    }

    static void checkValidity(X509Certificate certificate, String source, Instant now)
            throws CertificateMaterialException {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        String name = certificate.getSubjectX500Principal().getName();
        if (now.isAfter(notAfter)) {
            throw new CertificateMaterialException(Problem.EXPIRED, source, "certificate " + name + " expired on "
                    + notAfter + " (valid " + notBefore + " to " + notAfter + ", now " + now + ")");
        }
        if (now.isBefore(notBefore)) {
            throw new CertificateMaterialException(Problem.NOT_YET_VALID, source, "certificate " + name
                    + " is not valid before " + notBefore + " (now " + now + ")");
        }
    }
}
