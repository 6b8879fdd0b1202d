package dev.tether.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.tls.cert.HeldCertificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cache's own rules, without handshakes (those are in {@code ChainValidationCacheTest}): what makes two
 * validations the same, the size bound, and which chains are not kept. Certificates come from the cert tooling.
 */
class ChainValidationCacheUnitTest {
    static HeldCertificate ca;
    static HeldCertificate leaf;
    static X509Certificate[] chain;

    private final AtomicLong nanos = new AtomicLong();
    private final Clock wall = Clock.fixed(Instant.now(), ZoneOffset.UTC);

    @BeforeAll
    static void certificates() {
        ca = HeldCertificate.builder().commonName("Unit CA").certificateAuthority(0).build();
        leaf = HeldCertificate.builder().commonName("localhost").addDnsName("localhost").serverAuth()
                .validFor(Duration.ofDays(1)).signedBy(ca).build();
        chain = new X509Certificate[] {leaf.certificate(), ca.certificate()};
    }

    private ChainValidationCache cache(int max) {
        return new ChainValidationCache(Duration.ofMinutes(1), max, wall, nanos::get);
    }

    @Test
    void roleAuthTypeAndOrderArePartOfTheKey() {
        ChainValidationCache cache = cache(16);
        cache.remember(cache.key(chain, "EC", null, true), chain, new X509Certificate[] {ca.certificate()});
        assertThat(cache.validated(cache.key(chain, "EC", null, true))).isTrue();
        assertThat(cache.validated(cache.key(chain, "EC", null, false))).as("a client chain, same bytes").isFalse();
        assertThat(cache.validated(cache.key(chain, "RSA", null, true))).as("another auth type").isFalse();
        X509Certificate[] reversed = {ca.certificate(), leaf.certificate()};
        assertThat(cache.validated(cache.key(reversed, "EC", null, true))).as("another order").isFalse();
        X509Certificate[] leafOnly = {leaf.certificate()};
        assertThat(cache.validated(cache.key(leafOnly, "EC", null, true))).as("a shorter chain").isFalse();
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void keysCompareEveryByteNotJustTheHash() {
        ChainValidationCache cache = cache(16);
        ChainValidationCache.Key a = cache.key(chain, "EC", null, true);
        HeldCertificate other = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
                .serverAuth().validFor(Duration.ofDays(1)).signedBy(ca).build();
        ChainValidationCache.Key b = cache.key(new X509Certificate[] {other.certificate(), ca.certificate()}, "EC",
                null, true);
        assertThat(a).isEqualTo(cache.key(chain.clone(), "EC", null, true)).isNotEqualTo(b);
    }

    @Test
    void theSizeIsBounded() {
        ChainValidationCache cache = cache(8);
        List<ChainValidationCache.Key> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ChainValidationCache.Key k = cache.key(chain, "type-" + i, null, true);
            keys.add(k);
            cache.remember(k, chain, null);
            assertThat(cache.size()).isLessThanOrEqualTo(8);
        }
        assertThat(cache.validated(keys.get(19))).as("the newest entry is kept").isTrue();
    }

    @Test
    void expiredEntriesMakeRoomFirst() {
        ChainValidationCache cache = cache(4);
        for (int i = 0; i < 3; i++) {
            cache.remember(cache.key(chain, "old-" + i, null, true), chain, null);
        }
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        ChainValidationCache.Key fresh = cache.key(chain, "fresh", null, true);
        cache.remember(fresh, chain, null);
        cache.remember(cache.key(chain, "fresh-2", null, true), chain, null);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.validated(fresh)).isTrue();
    }

    @Test
    void anAnchorThatExpiresFirstBoundsTheEntry() {
        Instant now = wall.instant();
        HeldCertificate shortCa = HeldCertificate.builder().commonName("Short CA").certificateAuthority(0)
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(30))).build();
        HeldCertificate issued = HeldCertificate.builder().commonName("localhost").serverAuth()
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1))).signedBy(shortCa).build();
        X509Certificate[] leafOnly = {issued.certificate()};
        AtomicLong millis = new AtomicLong(now.toEpochMilli());
        Clock movable = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
        ChainValidationCache cache = new ChainValidationCache(Duration.ofHours(1), 16, movable, nanos::get);
        ChainValidationCache.Key key = cache.key(leafOnly, "EC", null, true);
        cache.remember(key, leafOnly, new X509Certificate[] {ca.certificate(), shortCa.certificate()});
        assertThat(cache.validated(key)).isTrue();
        millis.set(shortCa.certificate().getNotAfter().getTime() + 1);
        assertThat(cache.validated(key)).as("the CA that issued the leaf has expired").isFalse();
        assertThat(cache.size()).isZero();
    }

    @Test
    void concurrentUseKeepsTheBoundAndAnswersOnlyWhatWasRemembered() throws Exception {
        int threads = 4;
        ChainValidationCache cache = cache(64);
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxSize = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 2_000; i++) {
                    // Auth types stand in for distinct chains; "never-<n>" ones are never remembered.
                    ChainValidationCache.Key never = cache.key(chain, "never-" + id + "-" + i, null, true);
                    if (cache.validated(never)) {
                        wrong.incrementAndGet();
                    }
                    ChainValidationCache.Key k = cache.key(chain, "t" + id + "-" + (i % 100), null, true);
                    cache.remember(k, chain, null);
                    cache.validated(k);
                    maxSize.accumulateAndGet(cache.size(), Math::max);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(30_000);
        }
        assertThat(wrong).as("hits for chains never validated").hasValue(0);
        // Sampled while others insert and evict: ConcurrentHashMap's size is an estimate while insertions and
        // removals run (its Javadoc), and a sample counted one more than the bound allows in one CI run in many;
        // one more per thread is allowed for that. Without eviction the map would reach 400 entries (100 keys per
        // thread), so the bound still catches an eviction that does not keep up.
        assertThat(maxSize.get()).as("at most the bound plus one insert per thread, sampled under concurrency")
                .isLessThanOrEqualTo(64 + 2 * threads);
        assertThat(cache.size()).as("at rest: at most the bound plus one insert per thread")
                .isLessThanOrEqualTo(64 + threads);
    }

    @Test
    void oversizedChainsAreNotKept() {
        X509Certificate[] big = new X509Certificate[60];
        for (int i = 0; i < big.length; i++) {
            big[i] = i % 2 == 0 ? leaf.certificate() : ca.certificate();
        }
        assertThat(cache(16).key(big, "EC", null, true)).isNull();
    }
}
