package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.Endpoint;
import dev.tether.pool.DnsLookupException.Reason;
import dev.tether.pool.testing.DnsResponder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SRV records from a real DNS server on a real UDP socket ({@link DnsResponder}): the most preferred priority group
 * that resolves gives the endpoints, on each record's port, verifying each target's name.
 */
class SrvEndpointSourceTest {

    private static final String SRV = "_redis._tcp.tether.test";

    private DnsResponder dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = DnsResponder.start();
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    private SrvEndpointSource.Builder source() {
        return SrvEndpointSource.builder("redis", "tcp", "tether.test").nameServers(dns.address())
                .family(AddressFamily.IPV4);
    }

    @Test
    void onlyTheLowestPriorityGroupIsUsedHeavierTargetsFirst() throws Exception {
        dns.srv(SRV, "20 100 7000 backup.tether.test.", "10 10 6379 light.tether.test.",
                "10 90 6380 heavy.tether.test.");
        dns.a("backup.tether.test", "10.0.9.1");
        dns.a("light.tether.test", "10.0.1.1", "10.0.1.2");
        dns.a("heavy.tether.test", "10.0.2.1");

        List<Endpoint> endpoints = source().build().resolve();

        assertThat(endpoints).containsExactly(
                Endpoint.of("10.0.2.1", 6380).withServerName("heavy.tether.test"),
                Endpoint.of("10.0.1.1", 6379).withServerName("light.tether.test"),
                Endpoint.of("10.0.1.2", 6379).withServerName("light.tether.test"));
    }

    @Test
    void aLaterGroupIsUsedOnlyWhileNoTargetOfABetterOneHasAnAddress() throws Exception {
        dns.srv(SRV, "10 0 6379 gone.tether.test.", "20 0 6379 backup.tether.test.");
        dns.srv("gone.tether.test", "0 0 1 x.tether.test."); // exists, no address records
        dns.a("backup.tether.test", "10.0.9.1");
        SrvEndpointSource source = source().build();

        assertThat(source.resolve()).containsExactly(Endpoint.of("10.0.9.1", 6379).withServerName("backup.tether.test"));

        dns.a("gone.tether.test", "10.0.1.1");
        assertThat(source.resolve()).containsExactly(Endpoint.of("10.0.1.1", 6379).withServerName("gone.tether.test"));
    }

    @Test
    void aTargetThatDoesNotExistIsSkippedButATimeoutFailsTheAnswer() throws Exception {
        dns.srv(SRV, "10 0 6379 missing.tether.test.", "10 0 6379 present.tether.test.");
        dns.a("present.tether.test", "10.0.1.1");

        assertThat(source().build().resolve()).extracting(Endpoint::host).containsExactly("10.0.1.1");

        dns.silent(true);
        DnsLookupException e = catchThrowableOfType(
                source().queryTimeout(Duration.ofMillis(50)).retries(0).build()::resolve, DnsLookupException.class);
        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.query()).isEqualTo("SRV " + SRV);
    }

    @Test
    void recordsSayingTheServiceIsNotOfferedAreNoRecords() {
        dns.srv(SRV, "0 0 0 .");

        DnsLookupException e = catchThrowableOfType(source().build()::resolve, DnsLookupException.class);

        assertThat(e.reason()).isEqualTo(Reason.NO_RECORDS);
        assertThat(e).hasMessageContaining("SRV " + SRV).hasMessageContaining("not offered");
    }

    @Test
    void noTargetWithAnAddressIsNoRecordsListingTheTargets() {
        dns.srv(SRV, "10 0 6379 a.tether.test.", "20 0 6379 b.tether.test.");

        DnsLookupException e = catchThrowableOfType(source().build()::resolve, DnsLookupException.class);

        assertThat(e.reason()).isEqualTo(Reason.NO_RECORDS);
        assertThat(e).hasMessageContaining("A a.tether.test").hasMessageContaining("A b.tether.test");
    }

    @Test
    void aMissingSrvNameIsNameNotFound() {
        DnsLookupException e = catchThrowableOfType(source().build()::resolve, DnsLookupException.class);

        assertThat(e.reason()).isEqualTo(Reason.NAME_NOT_FOUND);
        assertThat(e.query()).isEqualTo("SRV " + SRV);
    }

    @Test
    void changedRecordsShowOnTheNextResolve() throws Exception {
        dns.srv(SRV, "10 0 6379 one.tether.test.");
        dns.a("one.tether.test", "10.0.1.1");
        dns.a("two.tether.test", "10.0.2.1");
        SrvEndpointSource source = source().build();
        assertThat(source.resolve()).extracting(Endpoint::host).containsExactly("10.0.1.1");

        dns.srv(SRV, "10 0 6379 one.tether.test.", "10 0 6379 two.tether.test.");

        assertThat(source.resolve()).extracting(Endpoint::host).containsExactly("10.0.1.1", "10.0.2.1");
        assertThat(source.description()).startsWith("dns SRV " + SRV + " via dns://");
    }
}
