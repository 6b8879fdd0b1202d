package dev.tether.spring.boot;

import dev.tether.pool.micrometer.TetherClientMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Publishes every client the starter created to Micrometer with sdk-pool's {@link TetherClientMetrics} (meters
 * {@code tether.pool.*}, tagged {@code client} with the client's name), when Micrometer is on the class path and
 * the application has a {@link MeterRegistry} bean; the per-endpoint meters follow the endpoint set as a DNS source
 * changes it, and {@code tether.client.endpoints} and {@code tether.client.endpoint_source.failures} (tagged
 * {@code client}) tell how many endpoints there are and whether the source keeps failing. Runs after Spring Boot's metrics auto-configuration so that
 * the registry it creates counts.
 */
@AutoConfiguration(after = TetherAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, TetherClientMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
@Conditional(OnTetherClientsCondition.class)
public class TetherMetricsAutoConfiguration {

    /** Binds the clients once every singleton (clients and registries) exists. */
    @Bean
    @ConditionalOnMissingBean
    TetherMetricsBinder tetherMetricsBinder(ObjectProvider<MeterRegistry> registries,
                                            ConfigurableListableBeanFactory beanFactory, TetherClientFactory factory) {
        return new TetherMetricsBinder(registries, beanFactory, factory);
    }
}
