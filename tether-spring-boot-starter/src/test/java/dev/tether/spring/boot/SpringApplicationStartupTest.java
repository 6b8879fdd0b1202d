package dev.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tether.pool.TetherClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter as an application meets it: found through
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports} by
 * {@code @EnableAutoConfiguration}, with a configuration mistake reported by Spring Boot's failure analysis.
 * Plain TCP and no calls here; the TLS behaviour is {@link TetherStarterTlsTest}'s.
 */
class SpringApplicationStartupTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void autoConfigurationIsFoundThroughTheImportsFile() {
        try (ConfigurableApplicationContext context = app("tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.codec=line", "tether.clients.orders.ssl.enabled=false").run()) {
            assertThat(context.getBean("orders")).isInstanceOf(TetherClient.class);
            assertThat(context.containsBean("tetherHealthContributor")).isTrue();
        }
    }

    @Test
    void aConfigurationMistakeStopsTheApplication() {
        Throwable failure = catchThrowable(() -> app("tether.clients.orders.endpoints=localhost:7000",
                "tether.clients.orders.codec=protobuf").run().close());
        TetherClientConfigurationException e = TetherStarterValidationTest.configurationError(failure);
        assertThat(e.property()).isEqualTo("tether.clients.orders.codec");
        assertThat(new TetherClientFailureAnalyzer().analyze(failure).getDescription())
                .contains("unknown codec 'protobuf'");
    }

    private static SpringApplicationBuilder app(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties)
                .logStartupInfo(false);
    }
}
