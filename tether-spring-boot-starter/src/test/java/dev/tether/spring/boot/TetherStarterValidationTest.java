package dev.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.TetherClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

/**
 * Configuration mistakes fail startup with a {@link TetherClientConfigurationException} naming the property and
 * the fix; the starter backs off for beans the application defines; a codec bean named for a client is used.
 * No connection is made here: clients never connect while they are built.
 */
class TetherStarterValidationTest {
    private static final String ORDERS_LINE = "tether.clients.orders.codec=line";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TetherAutoConfiguration.class,
                    TetherMetricsAutoConfiguration.class, TetherHealthAutoConfiguration.class));

    @Test
    void anUnknownCodecIsNamedWithTheChoices() {
        runner.withPropertyValues("tether.clients.orders.endpoints=localhost:7000", "tether.clients.orders.codec=xml",
                "tether.clients.orders.ssl.enabled=false")
                .run(failsWith("tether.clients.orders.codec", "unknown codec 'xml'", "[line, length-prefixed, resp]"));
    }

    @Test
    void aMissingCodecIsReported() {
        runner.withPropertyValues("tether.clients.orders.endpoints=localhost:7000")
                .run(failsWith("tether.clients.orders.codec", "no codec is configured", "ordersCodec"));
    }

    @Test
    void aClientWithoutEndpointsIsReported() {
        runner.withPropertyValues("tether.clients.orders.codec=line")
                .run(failsWith("tether.clients.orders.endpoints", "no endpoint is configured", "host:port",
                        "tether.clients.orders.dns.name"));
    }

    @Test
    void aMalformedEndpointIsNamedByIndex() {
        runner.withPropertyValues("tether.clients.orders.codec=line",
                "tether.clients.orders.endpoints=localhost:7000,localhost:99999")
                .run(failsWith("tether.clients.orders.endpoints[1]", "'localhost:99999'", "outside 1..65535", "host:port"));
    }

    @Test
    void fixedEndpointsAndADnsNameAreOneTooMany() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.dns.name=orders.internal", "tether.clients.orders.dns.port=7000")
                .run(failsWith("tether.clients.orders.dns.name", "set together with tether.clients.orders.endpoints",
                        "remove tether.clients.orders.endpoints to take the endpoints from DNS"));
    }

    @Test
    void fixedEndpointsAndAnSrvNameAreOneTooMany() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.dns.srv=_orders._tcp.internal")
                .run(failsWith("tether.clients.orders.dns.srv", "set together with tether.clients.orders.endpoints"));
    }

    @Test
    void aDnsNameAndAnSrvNameAreOneTooMany() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.name=orders.internal",
                "tether.clients.orders.dns.port=7000", "tether.clients.orders.dns.srv=_orders._tcp.internal")
                .run(failsWith("tether.clients.orders.dns.srv", "set together with tether.clients.orders.dns.name",
                        "Use one"));
    }

    @Test
    void aDnsNameNeedsAPort() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.name=orders.internal")
                .run(failsWith("tether.clients.orders.dns.port", "required with tether.clients.orders.dns.name",
                        "port every address of orders.internal serves on"));
    }

    @Test
    void anSrvNameTakesNoPort() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.srv=_orders._tcp.internal",
                "tether.clients.orders.dns.port=7000")
                .run(failsWith("tether.clients.orders.dns.port", "SRV records carry each target's port"));
    }

    @Test
    void dnsSettingsWithoutANameAreReported() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.port=7000")
                .run(failsWith("tether.clients.orders.dns.port", "neither tether.clients.orders.dns.name nor"
                        + " tether.clients.orders.dns.srv is"));
        // With fixed endpoints, a DNS setting would silently do nothing: it is reported too.
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.dns.refresh-interval=5s")
                .run(failsWith("tether.clients.orders.dns.refresh-interval", "Fixed endpoints are not looked up in DNS"));
    }

    @Test
    void aNameWithItsPortOrAnAddressInsteadOfANameIsCaughtWithTheFix() {
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.name=orders.internal:7000",
                "tether.clients.orders.dns.port=7000")
                .run(failsWith("tether.clients.orders.dns.name", "includes a port", "tether.clients.orders.dns.port"));
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.name=10.0.0.7",
                "tether.clients.orders.dns.port=7000")
                .run(failsWith("tether.clients.orders.dns.name", "is an IP address, not a DNS name", "endpoints"));
        runner.withPropertyValues(ORDERS_LINE, "tether.clients.orders.dns.name=orders internal",
                "tether.clients.orders.dns.port=7000")
                .run(failsWith("tether.clients.orders.dns.name", "not a DNS name", "fully qualified"));
    }

    @Test
    void badDnsValuesAreNamedEachByItsProperty() {
        String[] name = {ORDERS_LINE, "tether.clients.orders.dns.name=orders.internal"};
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.port=70000")
                .run(failsWith("tether.clients.orders.dns.port", "within 1..65535"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.port=7000",
                        "tether.clients.orders.dns.refresh-interval=500ms")
                .run(failsWith("tether.clients.orders.dns.refresh-interval", "at least 1s"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.port=7000",
                        "tether.clients.orders.dns.mode=cached")
                .run(failsWith("tether.clients.orders.dns.mode", "unknown DNS mode 'cached'", "[direct, system-resolver]"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.port=7000",
                        "tether.clients.orders.dns.family=ipv5")
                .run(failsWith("tether.clients.orders.dns.family", "'ipv5'", "[both, ipv4, ipv6]"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.port=7000",
                        "tether.clients.orders.dns.query-timeout=1ms")
                .run(failsWith("tether.clients.orders.dns.query-timeout", "at least 10ms"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.port=7000",
                        "tether.clients.orders.dns.retries=9")
                .run(failsWith("tether.clients.orders.dns.retries", "within 0..5"));
    }

    @Test
    void nameServersMustBeAddressesAskedDirectly() {
        String[] name = {ORDERS_LINE, "tether.clients.orders.dns.name=orders.internal", "tether.clients.orders.dns.port=7000"};
        runner.withPropertyValues(name)
                .withPropertyValues("tether.clients.orders.dns.name-servers=10.0.0.10,dns.internal:53")
                .run(failsWith("tether.clients.orders.dns.name-servers[1]", "'dns.internal:53': not an IP address",
                        "10.0.0.10:53"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.name-servers=10.0.0.10:0")
                .run(failsWith("tether.clients.orders.dns.name-servers[0]", "port '0'"));
        runner.withPropertyValues(name).withPropertyValues("tether.clients.orders.dns.name-servers=10.0.0.10",
                        "tether.clients.orders.dns.mode=system-resolver")
                .run(failsWith("tether.clients.orders.dns.name-servers", "system-resolver asks the system's own",
                        "tether.clients.orders.dns.mode=direct"));
    }

    @Test
    void aBadPoolValueIsNamedWithTethersOwnMessage() {
        runner.withPropertyValues("tether.clients.orders.codec=line", "tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.pool.max-total=4", "tether.clients.orders.pool.max-per-endpoint=8")
                .run(failsWith("tether.clients.orders.pool", "maxPerEndpoint must not exceed maxTotal: 8 > 4"));
    }

    @Test
    void aBadPoolValueOfItsOwnIsNamedByItsProperty() {
        String[] orders = {"tether.clients.orders.codec=line", "tether.clients.orders.endpoints=localhost:7000"};
        runner.withPropertyValues(orders).withPropertyValues("tether.clients.orders.pool.max-total=0")
                .run(failsWith("tether.clients.orders.pool.max-total", "maxTotal must be at least 1: 0"));
        runner.withPropertyValues(orders).withPropertyValues("tether.clients.orders.pool.acquire-timeout=2h")
                .run(failsWith("tether.clients.orders.pool.acquire-timeout", "acquireTimeout"));
    }

    @Test
    void aPipelineDepthOutside1To1024IsNamed() {
        for (String depth : new String[] {"0", "-3", "1025"}) {
            runner.withPropertyValues("tether.clients.orders.codec=line", "tether.clients.orders.endpoints=localhost:7000",
                            "tether.clients.orders.pool.pipeline-depth=" + depth)
                    .run(failsWith("tether.clients.orders.pool.pipeline-depth",
                            "pipelineDepth must be within 1..1024: " + depth));
        }
    }

    @Test
    void aPipelineMaxQueuedBytesBelowOneIsNamed() {
        for (String bytes : new String[] {"0", "-1"}) {
            runner.withPropertyValues("tether.clients.orders.codec=line", "tether.clients.orders.endpoints=localhost:7000",
                            "tether.clients.orders.pool.pipeline-depth=8",
                            "tether.clients.orders.pool.pipeline-max-queued-bytes=" + bytes)
                    .run(failsWith("tether.clients.orders.pool.pipeline-max-queued-bytes",
                            "pipelineMaxQueuedBytes must be at least 1: " + bytes));
        }
    }

    @Test
    void aBundleWithTlsTurnedOffIsAContradiction() {
        runner.withPropertyValues("tether.clients.orders.codec=line", "tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.ssl.enabled=false", "tether.clients.orders.ssl.bundle=orders")
                .run(failsWith("tether.clients.orders.ssl.bundle", "enabled is false"));
    }

    @Test
    void severalClientsAreRegisteredByName() {
        runner.withPropertyValues("tether.clients.orders.codec=line", "tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.cache.codec=resp", "tether.clients.cache.endpoints=localhost:6379,localhost:6380",
                "tether.clients.cache.load-balancing=least-in-flight")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(TetherClient.class)).containsOnlyKeys("orders", "cache");
                    TetherClient<?, ?> cache = context.getBean("cache", TetherClient.class);
                    assertThat(cache.endpoints()).hasSize(2);
                    assertThat(context).hasBean("tetherHealthContributor");
                    // No MeterRegistry in this context: the metrics binder backs off.
                    assertThat(context).doesNotHaveBean(TetherMetricsBinder.class);
                });
    }

    @Test
    void noClientsConfiguredMeansNoClientBeans() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(TetherClient.class);
            assertThat(context).doesNotHaveBean("tetherHealthContributor");
        });
    }

    @Test
    void aBeanTheApplicationDefinesUnderTheClientsNameWins() {
        // Building a client never connects, so no server is needed for this one.
        try (TetherClient<String, String> own = TetherClient.builder(LineCodec.create()).endpoint("localhost:7000")
                .build()) {
            runner.withPropertyValues("tether.clients.orders.codec=line",
                    "tether.clients.orders.endpoints=localhost:7000")
                    .withBean("orders", TetherClient.class, () -> own)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean("orders")).isSameAs(own);
                        // The only client is the application's own, so there is nothing for the starter to report.
                        assertThat(context).doesNotHaveBean("tetherHealthContributor");
                    });
        }
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String property, String... fragments) {
        return context -> {
            assertThat(context).hasFailed();
            TetherClientConfigurationException e = configurationError(context.getStartupFailure());
            assertThat(e.property()).isEqualTo(property);
            for (String fragment : fragments) {
                assertThat(e.getMessage()).contains(fragment);
            }
        };
    }

    /** The {@link TetherClientConfigurationException} in a startup failure's causes. */
    static TetherClientConfigurationException configurationError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TetherClientConfigurationException e) {
                return e;
            }
        }
        throw new AssertionError("no TetherClientConfigurationException in the startup failure", failure);
    }
}
