package dev.tether.tls.internal;

import dev.tether.tls.CertificatePins;
import dev.tether.tls.CertificateValidityException;
import dev.tether.tls.RevocationChecker;
import dev.tether.tls.RevocationMode;
import dev.tether.tls.RevocationStatus;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tether's certificate policy over the JDK's PKIX validation: checks validity dates first (for a message
 * with the dates), then the chain against the configured trust, then the server's name against its
 * subject alternative names, then the pins. Each failure is a {@link CertificateRejection} that becomes a
 * typed exception.
 *
 * <p>The chain check alone may be answered by a {@link ChainValidationCache} (for Tether's own PKIX trust
 * manager, not one the application supplies, and not when the JDK checks revocation itself); every other
 * check runs on every handshake. The class Javadoc of the cache says why that is safe.
 */
final class PolicyTrustManager extends X509ExtendedTrustManager {
    private static final Logger log = LoggerFactory.getLogger(PolicyTrustManager.class);
    private final X509ExtendedTrustManager pkix;
    private final String trustDescription;
    private final boolean verifyHostname;
    private final Set<String> pins;
    /** Checks the server's certificate for revocation; null when revocation checking is off. */
    private final RevocationChecker revocation;
    /** Successful PKIX validations; null when they are not cached. */
    private final ChainValidationCache cache;
    /** The time certificate dates are compared with. */
    private final Clock clock;

    PolicyTrustManager(X509ExtendedTrustManager pkix, String trustDescription, boolean verifyHostname,
                       Set<String> pins) {
        this(pkix, trustDescription, verifyHostname, pins, null, ChainValidationCache.Settings.of(Duration.ZERO));
    }

    /**
     * {@code pkix} is validated through {@code cache}'s seam; a cache is made when the settings enable it and
     * the JDK does not check revocation inside PKIX (its answer would then depend on revocation data).
     */
    PolicyTrustManager(X509ExtendedTrustManager pkix, String trustDescription, boolean verifyHostname,
                       Set<String> pins, RevocationChecker revocation, ChainValidationCache.Settings cache) {
        this.pkix = cache.pkixSeam().apply(pkix);
        this.trustDescription = trustDescription;
        this.verifyHostname = verifyHostname;
        this.pins = Set.copyOf(pins);
        this.revocation = revocation == null || revocation.mode() == RevocationMode.OFF ? null : revocation;
        this.clock = cache.wallClock();
        boolean jdkChecksRevocation = Boolean.getBoolean("com.sun.net.ssl.checkRevocation");
        if (cache.enabled() && jdkChecksRevocation) {
            log.debug("not caching chain validations: com.sun.net.ssl.checkRevocation=true makes the JDK's PKIX"
                    + " result depend on revocation data");
        }
        this.cache = cache.enabled() && !jdkChecksRevocation
                ? new ChainValidationCache(cache.ttl(), cache.wallClock(), cache.nanoClock()) : null;
    }

    /** The cache of successful chain validations; null when there is none. */
    ChainValidationCache chainValidationCache() {
        return cache;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, null, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, null, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, false);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine, boolean peerIsServer)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the " + peer(peerIsServer) + " presented no certificate");
        }
        List<X509Certificate> list = List.of(chain);
        String peer = peer(peerIsServer);
        checkLeafDates(chain[0], peer, null);
        ChainValidationCache.Key key = cache == null ? null : cache.key(chain, authType, engine, peerIsServer);
        if (key == null || !cache.validated(key)) {
            validatePath(chain, authType, engine, peerIsServer, list, peer);
            if (key != null) {
                cache.remember(key, chain, pkix.getAcceptedIssuers());
            }
        }
        HandshakeObserver observer = HandshakeObserver.current();
        if (peerIsServer) {
            if (verifyHostname) {
                checkHostname(chain[0], observer);
            }
            if (!pins.isEmpty()) {
                checkPins(chain);
            }
            if (revocation != null) {
                checkRevocation(chain, engine);
            }
        }
        if (observer != null) {
            observer.markPeerVerified();
        }
    }

    /** The JDK's PKIX validation of the chain against the trust material (the part that may be cached). */
    private void validatePath(X509Certificate[] chain, String authType, SSLEngine engine, boolean peerIsServer,
                              List<X509Certificate> list, String peer) throws CertificateException {
        try {
            if (engine != null) {
                if (peerIsServer) {
                    pkix.checkServerTrusted(chain, authType, engine);
                } else {
                    pkix.checkClientTrusted(chain, authType, engine);
                }
            } else if (peerIsServer) {
                pkix.checkServerTrusted(chain, authType);
            } else {
                pkix.checkClientTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            throw classify(e, list, peer);
        }
    }

    private static String peer(boolean peerIsServer) {
        return peerIsServer ? "server" : "client";
    }

    private void checkLeafDates(X509Certificate cert, String peer, Throwable cause) throws CertificateRejection {
        Date now = new Date(clock.millis());
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        String who = "the " + peer + "'s certificate " + subject(cert);
        if (now.after(cert.getNotAfter())) {
            throw CertificateRejection.validity(who + " expired at " + notAfter + " (now " + now.toInstant()
                            + ", valid from " + notBefore + "); the " + peer + " must renew it",
                    CertificateValidityException.Kind.EXPIRED, notBefore, notAfter, cause);
        }
        if (now.before(cert.getNotBefore())) {
            throw CertificateRejection.validity(who + " is not valid until " + notBefore + " (now " + now.toInstant()
                            + "); check the clocks of both machines",
                    CertificateValidityException.Kind.NOT_YET_VALID, notBefore, notAfter, cause);
        }
    }

    private CertificateException classify(CertificateException e, List<X509Certificate> chain, String peer) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                for (X509Certificate cert : chain) {
                    try {
                        checkLeafDates(cert, peer, e);
                    } catch (CertificateRejection r) {
                        return r;
                    }
                }
            }
        }
        X509Certificate last = chain.get(chain.size() - 1);
        boolean selfSigned = chain.size() == 1
                && last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
        String what = selfSigned
                ? "the " + peer + " presented a self-signed certificate " + subject(last)
                : "the " + peer + "'s certificate chain " + describeChain(chain) + " ends at issuer "
                        + last.getIssuerX500Principal().getName();
        String message = what + ", which is not trusted by " + trustDescription
                + "; configure the CA that issued it (TlsConfig.Builder.trustPemFile, trustStore or trustCertificates)"
                + " or send the full chain from the " + peer + " (JDK: " + e.getMessage() + ")";
        return CertificateRejection.untrusted(message, chain, e);
    }

    private static void checkHostname(X509Certificate leaf, HandshakeObserver observer) throws CertificateRejection {
        String expected = observer == null ? null : observer.expectedName();
        List<String> names = HostnameMatcher.names(leaf);
        if (expected == null) {
            throw CertificateRejection.hostname("hostname verification is on but no server name is known for this "
                    + "connection; give the endpoint a server name", "", names);
        }
        if (!HostnameMatcher.matches(expected, leaf)) {
            throw CertificateRejection.hostname("the server's certificate " + subject(leaf) + " is valid for "
                    + (names.isEmpty() ? "no subject alternative name at all" : names) + " but not for '" + expected
                    + "'; connect with a name the certificate lists (Endpoint.withServerName) or reissue the"
                    + " certificate with '" + expected + "' as a subject alternative name", expected, names);
        }
    }

    /**
     * Revocation of the server's leaf: a revoked certificate always fails; an unknown status fails only in
     * hard-fail mode and is logged otherwise. Stapled OCSP responses come from the handshake session.
     */
    private void checkRevocation(X509Certificate[] chain, SSLEngine engine) throws CertificateRejection {
        List<X509Certificate> path = verifiedPath(chain);
        if (path.size() < 2) {
            RevocationStatus status = new RevocationStatus(RevocationStatus.State.UNKNOWN,
                    RevocationStatus.Source.NONE, "the issuer of " + subject(chain[0]) + " is not known, so its"
                    + " revocation status cannot be checked");
            decide(chain[0], status);
            return;
        }
        List<byte[]> stapled = List.of();
        if (engine != null && engine.getHandshakeSession() instanceof ExtendedSSLSession s) {
            stapled = s.getStatusResponses();
        }
        decide(chain[0], revocation.check(chain[0], path.get(1), stapled));
    }

    private void decide(X509Certificate leaf, RevocationStatus status) throws CertificateRejection {
        HandshakeObserver observer = HandshakeObserver.current();
        if (observer != null) {
            observer.revocationStatus(status);
        }
        switch (status.state()) {
            case GOOD -> log.debug("revocation check of {}: {}", subject(leaf), status);
            case REVOKED -> throw CertificateRejection.revocation("the server's certificate " + subject(leaf)
                    + " is revoked (" + status.detail() + "); the server must get a new certificate", status);
            case UNKNOWN -> {
                if (revocation.mode() == RevocationMode.HARD_FAIL) {
                    throw CertificateRejection.revocation("the revocation status of the server's certificate "
                            + subject(leaf) + " is unknown and revocation checking is HARD_FAIL: " + status.detail()
                            + "; make the OCSP responder or CRL reachable, have the server staple OCSP responses,"
                            + " or use RevocationMode.SOFT_FAIL", status);
                }
                // RevocationChecker logs an unknown status at WARN when it learns it (not per handshake).
                log.debug("revocation status of the server's certificate {} is unknown (SOFT_FAIL, connecting anyway):"
                        + " {}", subject(leaf), status.detail());
            }
            default -> throw new IllegalStateException("unknown revocation state " + status.state());
        }
    }

    private void checkPins(X509Certificate[] chain) throws CertificateRejection {
        List<X509Certificate> path = verifiedPath(chain);
        List<String> actual = new ArrayList<>();
        for (X509Certificate cert : path) {
            String pin = CertificatePins.sha256(cert);
            if (pins.contains(pin)) {
                return;
            }
            actual.add(pin);
        }
        List<String> described = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            described.add(actual.get(i) + " (" + path.get(i).getSubjectX500Principal().getName() + ")");
        }
        throw CertificateRejection.pins("the server's certificate chain matches none of the configured pins: expected"
                + " one of " + pins + ", found " + described + "; if the server's key was rotated on purpose, add"
                + " its new pin with TlsConfig.Builder.pins", pins, actual);
    }

    /**
     * The certificates that actually sign each other from the leaf up, plus the trust anchor that signed the
     * last one; extra certificates appended by the server are not part of the path and must not satisfy a pin.
     */
    private List<X509Certificate> verifiedPath(X509Certificate[] chain) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(chain[0]);
        for (int i = 1; i < chain.length; i++) {
            if (!signs(chain[i], chain[i - 1])) {
                break;
            }
            path.add(chain[i]);
        }
        X509Certificate top = path.get(path.size() - 1);
        for (X509Certificate anchor : pkix.getAcceptedIssuers()) {
            if (!anchor.equals(top) && signs(anchor, top)) {
                path.add(anchor);
                break;
            }
        }
        return path;
    }

    private static boolean signs(X509Certificate issuer, X509Certificate subject) {
        if (!issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal())) {
            return false;
        }
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static String subject(X509Certificate cert) {
        return "'" + cert.getSubjectX500Principal().getName() + "'";
    }

    private static String describeChain(List<X509Certificate> chain) {
        List<String> names = new ArrayList<>();
        for (X509Certificate c : chain) {
            names.add(c.getSubjectX500Principal().getName());
        }
        return names.toString();
    }
}
