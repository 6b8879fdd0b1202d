package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.pool.DnsLookupException.Reason;
import dev.tether.pool.testing.DnsResponder;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lookups that give no usable answer fail with a typed {@link DnsLookupException} whose message names the query and
 * the server, so a client keeps its last good set and its logs say why: a name that does not exist, an empty
 * answer, a server that never answers, a server failure, a port where nothing listens.
 */
class DnsLookupFailureTest {

    private static final String NAME = "backends.tether.test";

    private DnsResponder dns;
    private String server;

    @BeforeEach
    void startDns() throws Exception {
        dns = DnsResponder.start();
        server = "dns://" + dns.address().getAddress().getHostAddress() + ":" + dns.address().getPort();
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    private DnsLookupException failure(DnsEndpointSource source) {
        return catchThrowableOfType(source::resolve, DnsLookupException.class);
    }

    @Test
    void aNameThatDoesNotExistIsNameNotFound() {
        dns.a("other.tether.test", "10.0.0.1");

        DnsLookupException e = failure(DnsEndpointSource.builder("missing.tether.test", 443)
                .nameServers(dns.address()).build());

        assertThat(e.reason()).isEqualTo(Reason.NAME_NOT_FOUND);
        assertThat(e.query()).isEqualTo("A missing.tether.test");
        assertThat(e.server()).isEqualTo(server);
        assertThat(e).hasMessageStartingWith("DNS A missing.tether.test via " + server + ": name not found");
    }

    @Test
    void anEmptyAnswerIsNoRecords() {
        dns.srv(NAME, "0 0 443 target.tether.test."); // the name exists, with no address records

        DnsLookupException both = failure(DnsEndpointSource.builder(NAME, 443).nameServers(dns.address()).build());
        assertThat(both.reason()).isEqualTo(Reason.NO_RECORDS);
        assertThat(both).hasMessageStartingWith("DNS A/AAAA " + NAME + " via " + server + ": no records");

        DnsLookupException ipv4 = failure(DnsEndpointSource.builder(NAME, 443).nameServers(dns.address())
                .family(AddressFamily.IPV4).build());
        assertThat(ipv4.reason()).isEqualTo(Reason.NO_RECORDS);
        assertThat(ipv4).hasMessageStartingWith("DNS A " + NAME + " via " + server + ": no records");
    }

    @Test
    void aServerThatNeverAnswersIsATimeoutAfterItsRetries() {
        dns.a(NAME, "10.0.0.1");
        dns.silent(true);

        DnsLookupException e = failure(DnsEndpointSource.builder(NAME, 443).nameServers(dns.address())
                .family(AddressFamily.IPV4).queryTimeout(Duration.ofMillis(100)).retries(1).build());

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e).hasMessageStartingWith("DNS A " + NAME + " via " + server + ": no answer in time")
                .hasMessageContaining("2 attempt(s) per server, first waiting 100ms");
        assertThat(dns.questions()).as("the query and its one retry").hasSize(2);
    }

    @Test
    void aTimeoutOnOneFamilyFailsTheWholeAnswer() {
        // Half an answer would shrink the endpoint set on a passing hiccup; the client keeps its last good set instead.
        dns.a(NAME, "10.0.0.1");
        dns.silent(true);

        DnsLookupException e = failure(DnsEndpointSource.builder(NAME, 443).nameServers(dns.address())
                .queryTimeout(Duration.ofMillis(50)).retries(0).build());

        assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    }

    @Test
    void aServerFailureIsServerFailure() {
        dns.a(NAME, "10.0.0.1");
        dns.serverFailure(true);

        DnsLookupException e = failure(DnsEndpointSource.builder(NAME, 443).nameServers(dns.address()).build());

        assertThat(e.reason()).isEqualTo(Reason.SERVER_FAILURE);
        assertThat(e).hasMessageStartingWith("DNS A " + NAME + " via " + server + ": server failure");
    }

    @Test
    void aPortWhereNothingListensFailsNamingTheServer() throws Exception {
        InetSocketAddress nobody;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), probe.getLocalPort());
        }

        DnsLookupException e = failure(DnsEndpointSource.builder(NAME, 443).nameServers(nobody)
                .queryTimeout(Duration.ofMillis(100)).retries(0).build());

        assertThat(e.server()).isEqualTo("dns://" + nobody.getAddress().getHostAddress() + ":" + nobody.getPort());
        assertThat(e.reason()).as("%s", e).isIn(Reason.OTHER, Reason.TIMEOUT);
        assertThat(e).hasMessageContaining(e.server());
    }

    @Test
    void theSystemResolverSaysItCouldNotResolveTheName() {
        // RFC 6761 reserves .invalid: no resolver may answer it.
        DnsLookupException e = failure(DnsEndpointSource.builder("no-such-host.invalid", 443)
                .mode(DnsMode.SYSTEM_RESOLVER).build());

        assertThat(e.reason()).isEqualTo(Reason.NAME_NOT_FOUND);
        assertThat(e).hasMessageStartingWith("DNS A/AAAA no-such-host.invalid via the system resolver: name not found");
    }
}
