package dev.tether.spring.boot;

import dev.tether.pool.TetherClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * A health indicator per client the starter created, grouped under the contributor {@code tether} (so the health
 * endpoint shows {@code tether -> <client name>}), when Spring Boot's health module is present. Turn it off with
 * {@code management.health.tether.enabled=false}; define a bean named {@code tetherHealthContributor} to replace it.
 */
@AutoConfiguration(after = TetherAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, TetherClient.class})
@ConditionalOnEnabledHealthIndicator("tether")
@Conditional(OnTetherClientsCondition.class)
public class TetherHealthAutoConfiguration {

    /** One {@link TetherClientHealthIndicator} per client, by client name. */
    @Bean
    @ConditionalOnMissingBean(name = "tetherHealthContributor")
    HealthContributor tetherHealthContributor(ConfigurableListableBeanFactory beanFactory,
                                              TetherClientFactory factory) {
        Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
        for (String name : TetherClientRegistrar.registeredClients(beanFactory)) {
            TetherClient<?, ?> client = beanFactory.getBean(name, TetherClient.class);
            indicators.put(name, new TetherClientHealthIndicator(client,
                    factory.reachability(name).orElseGet(EndpointReachability::new)));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }
}
