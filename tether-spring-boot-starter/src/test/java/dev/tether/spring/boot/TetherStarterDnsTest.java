package dev.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.pool.EndpointSourceStatus;
import dev.tether.pool.Lease;
import dev.tether.pool.TetherClient;
import dev.tether.pool.testing.DnsResponder;
import dev.tether.pool.testing.NumberedConnectionServer;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.testing.CertSet;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * Clients whose endpoints come from DNS ({@code tether.clients.<name>.dns.*}), against a real DNS server on a real
 * UDP socket on loopback ({@link DnsResponder}, from sdk-pool's test-jar) whose records the tests change, and real
 * servers on loopback: over TLS verifying the DNS name, the client follows an A record moving to another address
 * (a lease held across the move finishes on the old one, shown as draining), and its health and meters follow; an SRV name works the same way; a failing DNS server keeps the last
 * good set and says so in health and metrics; a name that does not resolve at startup starts the application
 * with a DOWN client that comes up once the name resolves.
 *
 * <p>Every client runs on Tether's defaults apart from what the test configures. The refresh interval is set to
 * 1s, the shortest Tether allows, in every test: with the default 30s each change would take up to half a minute
 * to be seen. Changes are awaited by polling what the client reports, never by sleeping.
 */
class TetherStarterDnsTest {
    private static final String NAME = "orders.tether.test";
    private static final Duration CHANGE_SEEN_WITHIN = Duration.ofSeconds(20);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TetherAutoConfiguration.class,
                    TetherMetricsAutoConfiguration.class, TetherHealthAutoConfiguration.class));

    @TempDir
    Path dir;

    private DnsResponder dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = DnsResponder.start();
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    @Test
    void aClientFromADnsNameCallsOverTlsVerifyingTheNameAndFollowsARecordChange() {
        CertSet certs = CertSet.create(dir);
        // A certificate for the DNS name only, not for any address: a handshake succeeds only if the client
        // verifies the name.
        certs.issueServer("orders", b -> b.addDnsName(NAME));
        TlsConfig serverTls = TlsConfig.builder().keyMaterial(certs.file("orders.pem"), certs.file("orders.key")).build();
        try (AddressedTlsServer first = AddressedTlsServer.start("127.0.0.1", 0, serverTls);
             AddressedTlsServer second = AddressedTlsServer.start("127.0.0.2", first.port(), serverTls)) {
            dns.a(NAME, "127.0.0.1");
            Endpoint firstEndpoint = Endpoint.of("127.0.0.1", first.port()).withServerName(NAME);
            Endpoint secondEndpoint = Endpoint.of("127.0.0.2", first.port()).withServerName(NAME);
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.orders-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.orders.dns.name=" + NAME,
                    "tether.clients.orders.dns.port=" + first.port(),
                    "tether.clients.orders.dns.name-servers=" + nameServer(),
                    "tether.clients.orders.dns.refresh-interval=1s",
                    "tether.clients.orders.codec=line",
                    "tether.clients.orders.ssl.bundle=orders-ca",
                    // Longer than the default 10s, so that the lease held across the move below cannot be cut off
                    // by the drain timeout on a slow machine before the test looks at the draining endpoint.
                    "tether.clients.orders.pool.drain-timeout=2m")
                    .withBean(SimpleMeterRegistry.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        TetherClient<String, String> client = lineClient(context, "orders");
                        assertThat(client.endpoints()).containsExactly(firstEndpoint);
                        assertThat(client.call("hello")).isEqualTo("127.0.0.1 hello");
                        assertThat(client.stats().get(firstEndpoint).tlsSession()).isPresent();

                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(created(registry, firstEndpoint)).isEqualTo(1.0);
                        assertThat(registry.get("tether.client.endpoints").tag("client", "orders").gauge().value())
                                .isEqualTo(1.0);
                        Health before = indicator(context, "orders").health(true);
                        assertThat(before.getStatus()).isEqualTo(Status.UP);
                        assertThat(endpointDetail(before, firstEndpoint)).containsEntry("reachable", true);
                        assertThat(sourceDetail(before)).containsEntry("consecutiveFailures", 0)
                                .containsEntry("endpoints", 1).containsKey("lastSuccess")
                                .doesNotContainKey("lastError");
                        assertThat((String) sourceDetail(before).get("source")).contains(NAME);

                        // A lease held across the move keeps the old address draining until it is returned.
                        Lease<String, String> held = client.lease();
                        dns.a(NAME, "127.0.0.2");
                        await().atMost(CHANGE_SEEN_WITHIN)
                                .until(() -> client.endpoints().equals(List.of(secondEndpoint)));
                        assertThat(client.call("after the move")).isEqualTo("127.0.0.2 after the move");
                        assertThat(second.handshakes()).isEqualTo(1);
                        Health draining = indicator(context, "orders").health(true);
                        assertThat(draining.getDetails()).containsEntry("available", 1);
                        assertThat(endpointDetail(draining, firstEndpoint)).containsEntry("draining", true)
                                .containsEntry("active", 1);
                        assertThat(held.exchange("in flight")).isEqualTo("127.0.0.1 in flight");
                        held.close();

                        // Meters follow the set: the new address has its own, the old one's are gone, not NaN.
                        // Awaited: the client tells its listeners just after it switches the set.
                        await().atMost(CHANGE_SEEN_WITHIN).untilAsserted(() -> {
                            assertThat(created(registry, secondEndpoint)).isEqualTo(1.0);
                            assertThat(registry.find("tether.pool.created").tag("client", "orders")
                                    .tag("endpoint", firstEndpoint.toString()).meters()).isEmpty();
                            assertThat(registry.find("tether.pool.idle").tag("client", "orders").gauges()).hasSize(1);
                        });
                        Health after = indicator(context, "orders").health(true);
                        assertThat(after.getStatus()).isEqualTo(Status.UP);
                        assertThat(after.getDetails()).containsEntry("available", 1);
                        assertThat(endpointDetail(after, secondEndpoint)).containsEntry("reachable", true)
                                .doesNotContainKey("draining");
                    });
        }
    }

    @Test
    void anSrvNameGivesTheEndpointsAndAFailingDnsServerKeepsTheLastGoodSet() throws Exception {
        try (NumberedConnectionServer server = NumberedConnectionServer.start()) {
            dns.srv("_orders._tcp.tether.test", "10 0 " + server.endpoint().port() + " " + NAME + ".");
            dns.a(NAME, "127.0.0.1");
            Endpoint endpoint = Endpoint.of("127.0.0.1", server.endpoint().port()).withServerName(NAME);
            runner.withPropertyValues(
                    "tether.clients.orders.dns.srv=_orders._tcp.tether.test",
                    "tether.clients.orders.dns.name-servers=" + nameServer(),
                    "tether.clients.orders.dns.family=ipv4",
                    "tether.clients.orders.dns.refresh-interval=1s",
                    "tether.clients.orders.codec=line",
                    // Plain TCP: NumberedConnectionServer speaks no TLS; the TLS path is the test above.
                    "tether.clients.orders.ssl.enabled=false")
                    .withBean(SimpleMeterRegistry.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        TetherClient<String, String> client = lineClient(context, "orders");
                        assertThat(client.endpoints()).containsExactly(endpoint);
                        assertThat(client.call("hello")).isEqualTo("hello");

                        dns.serverFailure(true);
                        await().atMost(CHANGE_SEEN_WITHIN).until(() -> client.endpointSourceStatus()
                                .map(EndpointSourceStatus::consecutiveFailures).orElse(0) >= 1);
                        // The client keeps serving the last good set, and says why the source fails.
                        assertThat(client.endpoints()).containsExactly(endpoint);
                        assertThat(client.call("still here")).isEqualTo("still here");
                        Health health = indicator(context, "orders").health(true);
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat((Integer) sourceDetail(health).get("consecutiveFailures")).isPositive();
                        assertThat((String) sourceDetail(health).get("lastError")).contains("server failure")
                                .contains("_orders._tcp.tether.test");
                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get("tether.client.endpoint_source.failures").tag("client", "orders")
                                .gauge().value()).isPositive();

                        dns.serverFailure(false);
                        await().atMost(CHANGE_SEEN_WITHIN).until(() -> client.endpointSourceStatus()
                                .map(EndpointSourceStatus::consecutiveFailures).orElse(-1) == 0);
                        assertThat(sourceDetail(indicator(context, "orders").health(true)))
                                .containsEntry("consecutiveFailures", 0).doesNotContainKey("lastError");
                    });
        }
    }

    @Test
    void aNameThatDoesNotResolveAtStartupStartsTheApplicationDownAndComesUpWhenItDoes() throws Exception {
        try (NumberedConnectionServer server = NumberedConnectionServer.start()) {
            Endpoint endpoint = Endpoint.of("127.0.0.1", server.endpoint().port()).withServerName(NAME);
            runner.withPropertyValues(
                    "tether.clients.orders.dns.name=" + NAME,
                    "tether.clients.orders.dns.port=" + server.endpoint().port(),
                    "tether.clients.orders.dns.name-servers=" + nameServer(),
                    "tether.clients.orders.dns.refresh-interval=1s",
                    "tether.clients.orders.codec=line",
                    "tether.clients.orders.ssl.enabled=false")
                    .run(context -> {
                        // DNS being down at startup does not stop the application: the client starts empty.
                        assertThat(context).hasNotFailed();
                        TetherClient<String, String> client = lineClient(context, "orders");
                        assertThat(client.endpoints()).isEmpty();
                        Health down = indicator(context, "orders").health(true);
                        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                        assertThat((String) down.getDetails().get("reason"))
                                .contains("the endpoint source has not given any endpoints yet")
                                .contains("name not found");

                        dns.a(NAME, "127.0.0.1");
                        await().atMost(CHANGE_SEEN_WITHIN).until(() -> client.endpoints().equals(List.of(endpoint)));
                        assertThat(client.call("now")).isEqualTo("now");
                        assertThat(indicator(context, "orders").health(true).getStatus()).isEqualTo(Status.UP);
                    });
        }
    }

    private String nameServer() {
        return "127.0.0.1:" + dns.address().getPort();
    }

    @SuppressWarnings("unchecked")
    private static TetherClient<String, String> lineClient(ApplicationContext context, String name) {
        return context.getBean(name, TetherClient.class);
    }

    /** The endpoint's count of connections opened; fails as an assertion (so awaits retry it) while it has no meter. */
    private static double created(MeterRegistry registry, Endpoint endpoint) {
        FunctionCounter counter = registry.find("tether.pool.created").tag("client", "orders")
                .tag("endpoint", endpoint.toString()).functionCounter();
        assertThat(counter).as("tether.pool.created of " + endpoint).isNotNull();
        return counter.count();
    }

    private static HealthIndicator indicator(ApplicationContext context, String client) {
        CompositeHealthContributor tether = context.getBean("tetherHealthContributor", CompositeHealthContributor.class);
        return (HealthIndicator) tether.getContributor(client);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> endpointDetail(Health health, Endpoint endpoint) {
        return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("endpoints"))
                .get(endpoint.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sourceDetail(Health health) {
        return (Map<String, Object>) health.getDetails().get("endpointSource");
    }
}
