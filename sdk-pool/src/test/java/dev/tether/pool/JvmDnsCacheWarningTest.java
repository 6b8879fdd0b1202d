package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.pool.internal.JvmDnsCache;
import dev.tether.pool.internal.JvmDnsCache.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The JVM's address cache as the JDK derives it from {@code networkaddress.cache.ttl}, {@code sun.net.inetaddr.ttl}
 * and the security manager (a pure function of those values), and the warning a system-resolver source gives when
 * that cache outlives its refresh interval.
 */
class JvmDnsCacheWarningTest {

    private static final Duration REFRESH = Duration.ofSeconds(30);

    @Test
    void withNothingSetTheCacheKeepsAnswers30sOrForeverUnderASecurityManager() {
        assertThat(JvmDnsCache.policy(null, null, false).seconds()).isEqualTo(30);
        assertThat(JvmDnsCache.policy(null, null, true).forever()).isTrue();
    }

    @Test
    void theSecurityPropertyWinsOverTheSystemProperty() {
        Policy p = JvmDnsCache.policy("5", "120", false);
        assertThat(p.seconds()).isEqualTo(5);
        assertThat(p.setBy()).isEqualTo("networkaddress.cache.ttl=5");

        Policy fallback = JvmDnsCache.policy(null, "120", true);
        assertThat(fallback.seconds()).isEqualTo(120);
        assertThat(fallback.setBy()).isEqualTo("sun.net.inetaddr.ttl=120");
    }

    @Test
    void aValueThatIsNotANumberIsIgnoredAsTheJdkIgnoresIt() {
        assertThat(JvmDnsCache.policy("soon", "0x10", false).seconds()).as("hex decodes, as Integer.decode does")
                .isEqualTo(16);
        assertThat(JvmDnsCache.policy(" 5", null, false).seconds()).as("the JDK does not trim").isEqualTo(30);
    }

    @Test
    void anyNegativeValueMeansForever() {
        assertThat(JvmDnsCache.policy("-1", null, false).forever()).isTrue();
        assertThat(JvmDnsCache.policy(null, "-7", false).forever()).isTrue();
        assertThat(JvmDnsCache.policy("-1", null, false).describe()).isEqualTo("forever");
    }

    @Test
    void noWarningWhenTheCacheIsNoLongerThanTheRefreshInterval() {
        assertThat(JvmDnsCache.policy(null, null, false).staleAnswersWarning(REFRESH)).as("30s = 30s").isEmpty();
        assertThat(JvmDnsCache.policy("0", null, false).staleAnswersWarning(REFRESH)).as("no caching").isEmpty();
        assertThat(JvmDnsCache.policy("10", null, false).staleAnswersWarning(REFRESH)).isEmpty();
    }

    @Test
    void aLongerCacheWarnsNamingThePropertyAndTheFix() {
        assertThat(JvmDnsCache.policy(null, null, false).staleAnswersWarning(Duration.ofSeconds(5))).hasValueSatisfying(w ->
                assertThat(w).contains("for 30s").contains("networkaddress.cache.ttl unset")
                        .contains("refresh interval of 5s").contains("up to 30s late")
                        .contains("networkaddress.cache.ttl=5 or less").contains("DnsMode.DIRECT"));
        assertThat(JvmDnsCache.policy("-1", null, false).staleAnswersWarning(REFRESH)).hasValueSatisfying(w ->
                assertThat(w).contains("forever (networkaddress.cache.ttl=-1)").contains("never reach this client")
                        .contains("networkaddress.cache.ttl=30 or less"));
        assertThat(JvmDnsCache.policy(null, null, true).staleAnswersWarning(REFRESH)).hasValueSatisfying(w ->
                assertThat(w).contains("security manager"));
    }

    @Test
    void aSystemResolverSourceSaysInItsDescriptionWhenTheCacheHidesChanges() throws Exception {
        DnsEndpointSource stale = DnsEndpointSource.builder("localhost", 6379).mode(DnsMode.SYSTEM_RESOLVER)
                .jvmCachePolicy(JvmDnsCache.policy("-1", null, false)).build();
        assertThat(stale.description()).isEqualTo("dns A/AAAA localhost:6379 via the system resolver every 30s"
                + " (JVM address cache forever, longer than the refresh interval: changes show late)");

        DnsEndpointSource fresh = DnsEndpointSource.builder("localhost", 6379).mode(DnsMode.SYSTEM_RESOLVER)
                .refreshInterval(Duration.ofSeconds(60)).jvmCachePolicy(JvmDnsCache.policy(null, null, false)).build();
        assertThat(fresh.description()).isEqualTo("dns A/AAAA localhost:6379 via the system resolver every 60s"
                + " (JVM address cache 30s)");

        assertThat(fresh.resolve()).as("/etc/hosts through the system resolver")
                .contains(Endpoint.of("127.0.0.1", 6379).withServerName("localhost"));
    }

    @Test
    void directQueriesDoNotMentionTheCache() {
        DnsEndpointSource direct = DnsEndpointSource.builder("localhost", 6379)
                .jvmCachePolicy(JvmDnsCache.policy("-1", null, false)).build();

        assertThat(direct.description()).doesNotContain("cache");
    }
}
