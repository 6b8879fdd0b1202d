package dev.tether.tls.internal;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Remembers which presented certificate chains the JDK's PKIX validation accepted, so that a handshake that
 * presents the same chain again skips the path validation (measured: 0.25-0.35 ms of CPU per mutual handshake,
 * both ends, about a tenth of a full OpenSSL handshake; a hit costs 5-25 us). One cache belongs to one
 * {@link PolicyTrustManager}, that is to one loaded trust material: a reload builds a new trust manager and
 * with it an empty cache.
 *
 * <p><b>Why it is safe.</b> With the trust material fixed, the JDK's PKIX answer depends on the presented chain,
 * the role (server or client chain), the auth type, what the handshake tells it (the negotiated protocol and
 * the signature algorithms of the session, which make its algorithm constraints) and the current time. Only
 * the path validation is cached; everything else {@link PolicyTrustManager} does (the leaf's dates, the
 * server's name, the pins, revocation) still runs on every handshake, hit or miss. So:
 * <ul>
 *   <li>the key is the exact DER encoding of every certificate presented, in order, plus the role, the auth
 *       type, the protocol and the local and peer signature algorithms of the handshake session; a lookup
 *       compares all encodings byte for byte (no hash is trusted to stand for a chain);</li>
 *   <li>an entry holds only a success; a failure is never remembered (the next handshake validates again);</li>
 *   <li>time: every hit checks the current (wall-clock) time against the latest {@code notBefore} and the
 *       earliest {@code notAfter} of every presented certificate and of the trust anchors that may have issued
 *       the top one, and an entry lives at most the TTL on the monotonic clock. The TTL bounds anything
 *       time-dependent the key does not capture (dated rules in the JDK's {@code jdk.certpath.disabledAlgorithms}
 *       or CA distrust policies): such a change takes effect at most one TTL late;</li>
 *   <li>revocation is not part of what is cached: Tether's {@link dev.tether.tls.RevocationChecker} runs after
 *       the path validation on every handshake (a stapled response is judged every time, fetched answers keep
 *       their own lifetimes), so the cache does not lengthen how long any revocation status is believed. When
 *       the JDK itself checks revocation ({@code com.sun.net.ssl.checkRevocation=true}), its PKIX result depends
 *       on revocation data, so {@link PolicyTrustManager} does not cache at all;</li>
 *   <li>a trust manager the application supplies is not wrapped in a cache (its answers may change without a
 *       reload), and an engine that asks the JDK to check the peer's name (endpoint identification, which
 *       depends on the host, not the chain) is never answered from the cache.</li>
 * </ul>
 *
 * <p>Bounded: {@link #MAX_ENTRIES} entries (expired ones go first, then random ones), chains up to
 * {@link #MAX_CHAIN_BYTES} bytes of DER each (larger ones are validated every time), so at most a few MiB
 * per loaded config. Lock-free: a {@link ConcurrentHashMap}; concurrent inserts may overshoot the bound by the
 * number of threads inserting at once.
 */
public final class ChainValidationCache {
    /**
     * The default lifetime of an entry. The handshakes worth saving come in bursts (a reconnect storm after a
     * restart, a pool filling up, short-lived clients) a few seconds apart, which a minute covers; steady-state
     * handshakes are rare enough that their validation cost does not matter; and a minute is how late any
     * time-dependent rule outside the key can take effect.
     */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);
    /** The longest TTL a config may ask for. */
    public static final Duration MAX_TTL = Duration.ofHours(1);
    /** At most this many chains are remembered per loaded trust material. */
    public static final int MAX_ENTRIES = 1024;
    /** Chains whose certificates take more DER bytes than this are not remembered. */
    public static final int MAX_CHAIN_BYTES = 16 * 1024;

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;
    private final Clock wallClock;
    private final LongSupplier nanoClock;
    private final LongAdder hits = new LongAdder();

    /**
     * How a config wants chain validations cached.
     *
     * @param ttl how long an entry lives at most; {@link Duration#ZERO} turns caching off
     * @param wallClock the time certificate dates are compared with (Tether's own date checks use it too)
     * @param nanoClock the monotonic clock the TTL runs on
     * @param pkixSeam wraps the JDK's PKIX trust manager (tests count validations through it); identity otherwise
     */
    public record Settings(Duration ttl, Clock wallClock, LongSupplier nanoClock,
                           UnaryOperator<X509ExtendedTrustManager> pkixSeam) {
        public Settings {
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(wallClock, "wallClock");
            Objects.requireNonNull(nanoClock, "nanoClock");
            Objects.requireNonNull(pkixSeam, "pkixSeam");
        }

        /** The system clocks and no seam, with {@code ttl} ({@link Duration#ZERO}: off). */
        public static Settings of(Duration ttl) {
            return new Settings(ttl, Clock.systemUTC(), System::nanoTime, UnaryOperator.identity());
        }

        public boolean enabled() {
            return !ttl.isZero();
        }
    }

    ChainValidationCache(Duration ttl, Clock wallClock, LongSupplier nanoClock) {
        this(ttl, MAX_ENTRIES, wallClock, nanoClock);
    }

    ChainValidationCache(Duration ttl, int maxEntries, Clock wallClock, LongSupplier nanoClock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.wallClock = wallClock;
        this.nanoClock = nanoClock;
    }

    /**
     * The key for one validation, or null when this one must not be answered from or stored in the cache: the
     * chain is too large or cannot be encoded, the engine has no handshake session, or it asks the JDK to check
     * the peer's name.
     */
    Key key(X509Certificate[] chain, String authType, SSLEngine engine, boolean peerIsServer) {
        String protocol = "";
        List<String> local = List.of();
        List<String> peer = List.of();
        if (engine != null) {
            try {
                String identification = engine.getSSLParameters().getEndpointIdentificationAlgorithm();
                if (identification != null && !identification.isEmpty()) {
                    return null;
                }
                SSLSession session = engine.getHandshakeSession();
                if (session == null) {
                    return null;
                }
                protocol = String.valueOf(session.getProtocol());
                if (session instanceof ExtendedSSLSession s) {
                    local = copy(s.getLocalSupportedSignatureAlgorithms());
                    peer = copy(s.getPeerSupportedSignatureAlgorithms());
                }
            } catch (RuntimeException e) {
                return null; // The validation itself will meet the same problem and report it.
            }
        }
        byte[][] encodings = new byte[chain.length][];
        int total = 0;
        try {
            for (int i = 0; i < chain.length; i++) {
                encodings[i] = chain[i].getEncoded();
                total += encodings[i].length;
                if (total > MAX_CHAIN_BYTES) {
                    return null;
                }
            }
        } catch (CertificateEncodingException | RuntimeException e) {
            return null;
        }
        return new Key(peerIsServer, String.valueOf(authType), protocol, local, peer, encodings);
    }

    private static List<String> copy(String[] names) {
        return names == null ? List.of() : List.of(names);
    }

    /**
     * True when the PKIX validation of exactly this chain, in this context, succeeded within the TTL and every
     * certificate involved is within its validity dates now.
     */
    boolean validated(Key key) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        if (nanoClock.getAsLong() - e.expiresAtNanos >= 0) {
            entries.remove(key, e);
            return false;
        }
        long now = wallClock.millis();
        if (now < e.notBeforeMillis || now > e.notAfterMillis) {
            entries.remove(key, e);
            return false;
        }
        hits.increment();
        return true;
    }

    /**
     * Records that the PKIX validation of {@code chain} (whose key is {@code key}) succeeded. {@code anchors} are
     * the trust manager's CAs: those whose subject is the top certificate's issuer bound the entry's dates too.
     */
    void remember(Key key, X509Certificate[] chain, X509Certificate[] anchors) {
        long notBefore = Long.MIN_VALUE;
        long notAfter = Long.MAX_VALUE;
        for (X509Certificate c : chain) {
            notBefore = Math.max(notBefore, c.getNotBefore().getTime());
            notAfter = Math.min(notAfter, c.getNotAfter().getTime());
        }
        X509Certificate top = chain[chain.length - 1];
        if (anchors != null) {
            for (X509Certificate a : anchors) {
                if (a.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
                    notBefore = Math.max(notBefore, a.getNotBefore().getTime());
                    notAfter = Math.min(notAfter, a.getNotAfter().getTime());
                }
            }
        }
        long wall = wallClock.millis();
        if (wall < notBefore || wall > notAfter) {
            return; // Accepted by the JDK although outside some date (an expired anchor): nothing to keep.
        }
        long now = nanoClock.getAsLong();
        if (entries.size() >= maxEntries) {
            makeRoom(now);
        }
        entries.put(key, new Entry(now + ttlNanos, notBefore, notAfter));
    }

    private void makeRoom(long now) {
        entries.values().removeIf(e -> now - e.expiresAtNanos >= 0);
        while (entries.size() >= maxEntries) {
            int skip = ThreadLocalRandom.current().nextInt(Math.max(1, entries.size()));
            Iterator<Key> it = entries.keySet().iterator();
            Key victim = null;
            while (it.hasNext() && skip-- >= 0) {
                victim = it.next();
            }
            if (victim == null) {
                return;
            }
            entries.remove(victim);
        }
    }

    /** How many validations were answered from the cache. */
    public long hits() {
        return hits.sum();
    }

    /** How many chains are remembered now. */
    public int size() {
        return entries.size();
    }

    /** Forgets everything (tests). */
    void clear() {
        entries.clear();
    }

    private record Entry(long expiresAtNanos, long notBeforeMillis, long notAfterMillis) {
    }

    /** Everything the JDK's validation of one presented chain depends on besides the trust material and time. */
    static final class Key {
        private final boolean peerIsServer;
        private final String authType;
        private final String protocol;
        private final List<String> localSignatureAlgorithms;
        private final List<String> peerSignatureAlgorithms;
        private final byte[][] encodings;
        private final int hash;

        Key(boolean peerIsServer, String authType, String protocol, List<String> localSignatureAlgorithms,
            List<String> peerSignatureAlgorithms, byte[][] encodings) {
            this.peerIsServer = peerIsServer;
            this.authType = authType;
            this.protocol = protocol;
            this.localSignatureAlgorithms = localSignatureAlgorithms;
            this.peerSignatureAlgorithms = peerSignatureAlgorithms;
            this.encodings = encodings;
            int h = Boolean.hashCode(peerIsServer);
            h = 31 * h + authType.hashCode();
            h = 31 * h + protocol.hashCode();
            h = 31 * h + localSignatureAlgorithms.hashCode();
            h = 31 * h + peerSignatureAlgorithms.hashCode();
            for (byte[] e : encodings) {
                h = 31 * h + Arrays.hashCode(e);
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k)) {
                return false;
            }
            if (hash != k.hash || peerIsServer != k.peerIsServer || encodings.length != k.encodings.length
                    || !authType.equals(k.authType) || !protocol.equals(k.protocol)
                    || !localSignatureAlgorithms.equals(k.localSignatureAlgorithms)
                    || !peerSignatureAlgorithms.equals(k.peerSignatureAlgorithms)) {
                return false;
            }
            for (int i = 0; i < encodings.length; i++) {
                if (!Arrays.equals(encodings[i], k.encodings[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
