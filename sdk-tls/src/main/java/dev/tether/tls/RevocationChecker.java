package dev.tether.tls;

import dev.tether.tls.RevocationStatus.Source;
import dev.tether.tls.RevocationStatus.State;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks whether a server's (leaf) certificate was revoked. The answer comes, in this order, from the OCSP
 * response the server stapled to the handshake, from the OCSP responder the certificate names, or from the
 * CRL at its distribution point. Tether fetches OCSP and CRL data itself over HTTP within
 * {@link TlsConfig#revocationTimeout()}; the JDK's PKIX validator verifies the signatures, dates and status,
 * so no JVM-wide revocation property is needed. Answers are cached JVM-wide by certificate: good and revoked
 * until the response's next update (at most an hour), unknown for {@link #UNKNOWN_TTL}, so a responder that
 * is down costs one timeout per certificate per half minute, not one per handshake.
 *
 * <p>Only the leaf is checked: intermediates are issued by CAs that revoke rarely and publish slowly.
 */
public final class RevocationChecker {
    /** How long an unknown status is remembered before the responder is asked again. */
    public static final Duration UNKNOWN_TTL = Duration.ofSeconds(30);
    private static final Duration MAX_TTL = Duration.ofHours(1);
    private static final int MAX_CACHED = 4096;
    private static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();
    private static final Logger log = LoggerFactory.getLogger(RevocationChecker.class);

    private final RevocationMode mode;
    private final Duration timeout;
    private final LongSupplier nanoClock;
    private final Map<String, Cached> cache;
    /** Made on first use; a race makes two, which is harmless. */
    private volatile HttpClient http;

    private record Cached(RevocationStatus status, long expiresAtNanos) {
    }

    private RevocationChecker(RevocationMode mode, Duration timeout, LongSupplier nanoClock, Map<String, Cached> cache) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.nanoClock = nanoClock;
        this.cache = cache;
    }

    /** A checker for {@code mode} whose OCSP and CRL fetches each take at most {@code timeout}. */
    public static RevocationChecker create(RevocationMode mode, Duration timeout) {
        return new RevocationChecker(mode, timeout, System::nanoTime, CACHE);
    }

    /** For tests: a checker with its own cache and clock. */
    static RevocationChecker withClock(RevocationMode mode, Duration timeout, LongSupplier nanoClock) {
        return new RevocationChecker(mode, timeout, nanoClock, new ConcurrentHashMap<>());
    }

    /** The mode this checker enforces. */
    public RevocationMode mode() {
        return mode;
    }

    /**
     * The revocation status of {@code leaf}, issued by {@code issuer}, given the OCSP responses the server
     * stapled (possibly none). Never throws; failures to learn the status are {@link State#UNKNOWN}.
     */
    public RevocationStatus check(X509Certificate leaf, X509Certificate issuer, List<byte[]> stapled) {
        Objects.requireNonNull(leaf, "leaf");
        Objects.requireNonNull(issuer, "issuer");
        if (stapled != null) {
            for (byte[] response : stapled) {
                if (response != null && response.length > 0) {
                    // A stapled answer is checked every time: it costs no network and the server chose to send it.
                    return validate(leaf, issuer, Source.STAPLED_OCSP, response, null);
                }
            }
        }
        String key = issuer.getSubjectX500Principal().getName() + "#" + leaf.getSerialNumber().toString(16);
        long now = nanoClock.getAsLong();
        Cached hit = cache.get(key);
        if (hit != null && hit.expiresAtNanos - now > 0) {
            return hit.status;
        }
        RevocationStatus status = fetchAndValidate(leaf, issuer);
        if (status.state() == State.UNKNOWN && mode == RevocationMode.SOFT_FAIL) {
            // Logged when learned, not on every handshake that reuses the cached answer.
            log.warn("revocation status of {} is unknown; SOFT_FAIL lets connections go ahead (asked again in {}s): {}",
                    subject(leaf), UNKNOWN_TTL.toSeconds(), status.detail());
        }
        Duration ttl = status.state() == State.UNKNOWN ? UNKNOWN_TTL : MAX_TTL;
        if (cache.size() >= MAX_CACHED) {
            evictExpired(now);
        }
        if (cache.size() < MAX_CACHED) {
            cache.put(key, new Cached(status, now + ttl.toNanos()));
        }
        return status;
    }

    private void evictExpired(long now) {
        for (Iterator<Cached> it = cache.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAtNanos - now <= 0) {
                it.remove();
            }
        }
    }

    private RevocationStatus fetchAndValidate(X509Certificate leaf, X509Certificate issuer) {
        List<String> ocsp = ocspUrls(leaf);
        List<String> crls = crlUrls(leaf);
        List<String> problems = new ArrayList<>();
        for (String url : ocsp) {
            try {
                byte[] response = post(url, ocspRequest(leaf, issuer));
                RevocationStatus s = validate(leaf, issuer, Source.OCSP, response, null);
                if (s.state() != State.UNKNOWN) {
                    return s;
                }
                problems.add(s.detail());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add("OCSP responder " + url + " failed: " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unknown("interrupted while asking the OCSP responder " + url);
            }
        }
        for (String url : crls) {
            try {
                byte[] der = get(url);
                X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                        .generateCRL(new ByteArrayInputStream(der));
                RevocationStatus s = validate(leaf, issuer, Source.CRL, null, crl);
                if (s.state() != State.UNKNOWN) {
                    return s;
                }
                problems.add(s.detail());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problems.add("CRL " + url + " failed: " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unknown("interrupted while fetching the CRL " + url);
            }
        }
        if (ocsp.isEmpty() && crls.isEmpty()) {
            return unknown("the certificate " + subject(leaf) + " names no OCSP responder and no CRL, and the server"
                    + " stapled no OCSP response");
        }
        return unknown(String.join("; ", problems));
    }

    /** Lets the JDK's PKIX validator judge one OCSP response or CRL for the leaf. */
    private RevocationStatus validate(X509Certificate leaf, X509Certificate issuer, Source source, byte[] ocspResponse,
                                      X509CRL crl) {
        String what = source == Source.STAPLED_OCSP ? "the stapled OCSP response"
                : source == Source.OCSP ? "the OCSP response" : "the CRL";
        try {
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(issuer, null)));
            PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
            EnumSet<PKIXRevocationChecker.Option> options = EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                    PKIXRevocationChecker.Option.NO_FALLBACK);
            if (crl != null) {
                options.add(PKIXRevocationChecker.Option.PREFER_CRLS);
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
            } else {
                checker.setOcspResponses(Map.of(leaf, ocspResponse));
            }
            checker.setOptions(options);
            params.setRevocationEnabled(false);
            params.addCertPathChecker(checker);
            params.setDate(new Date());
            validator.validate(path, params);
            return new RevocationStatus(State.GOOD, source, what + " says " + subject(leaf) + " is not revoked");
        } catch (CertPathValidatorException e) {
            if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                return new RevocationStatus(State.REVOKED, source, what + " says " + subject(leaf) + " (serial "
                        + leaf.getSerialNumber().toString(16) + ") is revoked: " + e.getMessage());
            }
            if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
                return unknown(source, what + " could not be checked: " + e.getMessage());
            }
            return unknown(source, what + " gave no usable answer: " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            return unknown(source, what + " could not be checked: " + describe(e));
        }
    }

    private static RevocationStatus unknown(String detail) {
        return new RevocationStatus(State.UNKNOWN, Source.NONE, detail);
    }

    private static RevocationStatus unknown(Source source, String detail) {
        return new RevocationStatus(State.UNKNOWN, source, detail);
    }

    private static byte[] ocspRequest(X509Certificate leaf, X509Certificate issuer)
            throws GeneralSecurityException, IOException {
        try {
            CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build()
                    .get(CertificateID.HASH_SHA1), new JcaX509CertificateHolder(issuer), leaf.getSerialNumber());
            return new OCSPReqBuilder().addRequest(id).build().getEncoded();
        } catch (OperatorCreationException | OCSPException e) {
            throw new GeneralSecurityException("cannot build the OCSP request: " + e.getMessage(), e);
        }
    }

    private byte[] post(String url, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return send(request, url);
    }

    private byte[] get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(), url);
    }

    private byte[] send(HttpRequest request, String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + url);
        }
        byte[] body = response.body();
        if (body.length > MAX_RESPONSE_BYTES) {
            throw new IOException("answer from " + url + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        return body;
    }

    /** One HTTP client per checker (each holds a selector thread), made on the first fetch. */
    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            // HTTP/1.1 only: OCSP responders are small HTTP/1.0-style servers that stall on an h2c upgrade request.
            client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            http = client;
        }
        return client;
    }

    /** The OCSP responder URLs of the certificate's Authority Information Access extension (http only). */
    static List<String> ocspUrls(X509Certificate cert) {
        List<String> urls = new ArrayList<>();
        ASN1Encodable value = extension(cert, Extension.authorityInfoAccess.getId());
        if (value != null) {
            for (AccessDescription d : AuthorityInformationAccess.getInstance(value).getAccessDescriptions()) {
                if (X509ObjectIdentifiers.id_ad_ocsp.equals(d.getAccessMethod())) {
                    addHttp(urls, d.getAccessLocation());
                }
            }
        }
        return urls;
    }

    /** The CRL URLs of the certificate's CRL Distribution Points extension (http only). */
    static List<String> crlUrls(X509Certificate cert) {
        List<String> urls = new ArrayList<>();
        ASN1Encodable value = extension(cert, Extension.cRLDistributionPoints.getId());
        if (value != null) {
            for (DistributionPoint p : CRLDistPoint.getInstance(value).getDistributionPoints()) {
                DistributionPointName name = p.getDistributionPoint();
                if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName g : GeneralNames.getInstance(name.getName()).getNames()) {
                        addHttp(urls, g);
                    }
                }
            }
        }
        return urls;
    }

    private static void addHttp(List<String> urls, GeneralName name) {
        if (name.getTagNo() == GeneralName.uniformResourceIdentifier) {
            String url = name.getName().toString();
            if (url.startsWith("http://") || url.startsWith("https://")) {
                urls.add(url);
            }
        }
    }

    private static ASN1Encodable extension(X509Certificate cert, String oid) {
        byte[] raw = cert.getExtensionValue(oid);
        if (raw == null) {
            return null;
        }
        try {
            return org.bouncycastle.asn1.ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(raw).getOctets());
        } catch (IOException | IllegalArgumentException e) {
            log.debug("unreadable extension {} in {}: {}", oid, subject(cert), e.getMessage());
            return null;
        }
    }

    private static String subject(X509Certificate cert) {
        return "'" + cert.getSubjectX500Principal().getName() + "'";
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public String toString() {
        return "RevocationChecker[" + mode + ", timeout " + timeout + "]";
    }
}
