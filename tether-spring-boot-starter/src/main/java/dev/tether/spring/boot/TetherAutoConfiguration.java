package dev.tether.spring.boot;

import dev.tether.pool.TetherClient;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of Tether clients: a {@link TetherClient} bean per {@code tether.clients.<name>} (see
 * {@link TetherProperties}), with TLS from Spring SSL bundles, closed gracefully when the context closes.
 * Metrics and health come from {@link TetherMetricsAutoConfiguration} and {@link TetherHealthAutoConfiguration}.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(TetherClient.class)
@EnableConfigurationProperties(TetherProperties.class)
@Import(TetherClientRegistrar.class)
public class TetherAutoConfiguration {

    /** Builds the configured clients; package-private type, so it is no part of the public API. */
    @Bean
    TetherClientFactory tetherClientFactory(TetherProperties properties, ObjectProvider<SslBundles> sslBundles,
                                            BeanFactory beanFactory) {
        return new TetherClientFactory(properties, sslBundles, beanFactory);
    }
}
