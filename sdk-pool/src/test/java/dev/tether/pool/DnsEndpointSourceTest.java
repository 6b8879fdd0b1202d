package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Endpoint;
import dev.tether.pool.testing.DnsResponder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A and AAAA records, asked straight from a real DNS server on a real UDP socket ({@link DnsResponder}), become
 * endpoints that verify the name; a changed answer shows on the next resolve.
 */
class DnsEndpointSourceTest {

    private static final String NAME = "backends.tether.test";

    private DnsResponder dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = DnsResponder.start();
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    private DnsEndpointSource.Builder source(String host) {
        return DnsEndpointSource.builder(host, 6379).nameServers(dns.address());
    }

    @Test
    void everyARecordBecomesAnEndpointVerifyingTheName() throws Exception {
        dns.a(NAME, "10.0.0.3", "10.0.0.1", "10.0.0.2");

        List<Endpoint> endpoints = source(NAME).build().resolve();

        assertThat(endpoints).containsExactly(
                Endpoint.of("10.0.0.1", 6379).withServerName(NAME),
                Endpoint.of("10.0.0.2", 6379).withServerName(NAME),
                Endpoint.of("10.0.0.3", 6379).withServerName(NAME));
        assertThat(endpoints).allSatisfy(e -> assertThat(e.tlsName()).contains(NAME));
    }

    @Test
    void aaaaRecordsBecomeIpv6EndpointsAfterTheIpv4Ones() throws Exception {
        dns.a(NAME, "10.0.0.1").aaaa(NAME, "2001:db8::2", "2001:db8::1");

        assertThat(source(NAME).build().resolve()).extracting(Endpoint::toString).containsExactly(
                "10.0.0.1:6379 (sni " + NAME + ")",
                "[2001:db8:0:0:0:0:0:1]:6379 (sni " + NAME + ")",
                "[2001:db8:0:0:0:0:0:2]:6379 (sni " + NAME + ")");
        assertThat(source(NAME).family(AddressFamily.IPV6).build().resolve()).extracting(Endpoint::host)
                .containsExactly("2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:2");
        assertThat(source(NAME).family(AddressFamily.IPV4).build().resolve()).extracting(Endpoint::host)
                .containsExactly("10.0.0.1");
    }

    @Test
    void aNameWithOnlyIpv6AddressesIsEnoughForBothFamilies() throws Exception {
        dns.aaaa(NAME, "2001:db8::7");

        assertThat(source(NAME).build().resolve()).extracting(Endpoint::host).containsExactly("2001:db8:0:0:0:0:0:7");
        assertThat(dns.questions()).containsExactly(new DnsResponder.Question(NAME, DnsResponder.A),
                new DnsResponder.Question(NAME, DnsResponder.AAAA));
    }

    @Test
    void eachResolveAsksAgainAndSeesChangedRecords() throws Exception {
        DnsEndpointSource source = source(NAME).family(AddressFamily.IPV4).build();
        dns.a(NAME, "10.0.0.1", "10.0.0.2");
        assertThat(source.resolve()).extracting(Endpoint::host).containsExactly("10.0.0.1", "10.0.0.2");

        dns.a(NAME, "10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(source.resolve()).extracting(Endpoint::host).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");

        dns.a(NAME, "10.0.0.3");
        assertThat(source.resolve()).extracting(Endpoint::host).containsExactly("10.0.0.3");
        assertThat(dns.questions()).hasSize(3);
    }

    @Test
    void aTrailingDotAndUpperCaseNameAreTheSameName() throws Exception {
        dns.a(NAME, "10.0.0.1");

        DnsEndpointSource source = source("Backends.Tether.Test.").build();

        assertThat(source.host()).isEqualTo(NAME);
        assertThat(source.resolve()).containsExactly(Endpoint.of("10.0.0.1", 6379).withServerName(NAME));
    }

    @Test
    void descriptionSaysWhatIsAskedWhereAndHowOften() {
        DnsEndpointSource source = source(NAME).refreshInterval(Duration.ofSeconds(5)).build();

        InetSocketAddress server = dns.address();
        assertThat(source.description()).isEqualTo("dns A/AAAA " + NAME + ":6379 via dns://"
                + server.getAddress().getHostAddress() + ":" + server.getPort() + " every 5s");
        assertThat(source.refreshInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(DnsEndpointSource.builder(NAME, 6379).build().description())
                .isEqualTo("dns A/AAAA " + NAME + ":6379 via the system's name servers every 30s");
    }

    @Test
    void defaultsAreWhatTheJavadocSays() {
        DnsEndpointSource source = DnsEndpointSource.builder(NAME, 6379).build();

        assertThat(source.mode()).isEqualTo(DnsMode.DIRECT);
        assertThat(source.refreshInterval()).isEqualTo(Duration.ofSeconds(30));
        DnsOptions options = new DnsOptions();
        assertThat(options.family).isEqualTo(AddressFamily.BOTH);
        assertThat(options.queryTimeout).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.retries).isEqualTo(1);
        assertThat(options.worstQueryTime()).as("1s, then 2s").isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void badSettingsFailAtBuildTimeNamingTheValue() {
        assertThatThrownBy(() -> DnsEndpointSource.builder(NAME, 0)).hasMessageContaining("port").hasMessageContaining("0");
        assertThatThrownBy(() -> DnsEndpointSource.builder("bad name!", 1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad name!");
        assertThatThrownBy(() -> DnsEndpointSource.builder(NAME, 1).refreshInterval(Duration.ofMillis(500)))
                .hasMessageContaining("at least 1s").hasMessageContaining("PT0.5S");
        assertThatThrownBy(() -> DnsEndpointSource.builder(NAME, 1).retries(6)).hasMessageContaining("6");
        assertThatThrownBy(() -> DnsEndpointSource.builder(NAME, 1).queryTimeout(Duration.ofMillis(1)))
                .hasMessageContaining("PT0.001S");
        assertThatThrownBy(() -> DnsEndpointSource.builder(NAME, 1)
                .nameServers(InetSocketAddress.createUnresolved("dns.example", 53)))
                .hasMessageContaining("IP address").hasMessageContaining("dns.example");
        assertThatThrownBy(() -> DnsEndpointSource.builder(NAME, 1).mode(DnsMode.SYSTEM_RESOLVER)
                .nameServers(dns.address()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DnsMode.DIRECT");
    }
}
