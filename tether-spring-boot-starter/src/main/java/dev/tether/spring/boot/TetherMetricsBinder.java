package dev.tether.spring.boot;

import dev.tether.pool.TetherClient;
import dev.tether.pool.micrometer.TetherClientMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Binds {@link TetherClientMetrics} for each client the starter created, once all singletons exist. Binds to the
 * application's one (or primary) {@link MeterRegistry}; with several registries and none primary, to each.
 */
class TetherMetricsBinder implements SmartInitializingSingleton {
    private final ObjectProvider<MeterRegistry> registries;
    private final ConfigurableListableBeanFactory beanFactory;

    TetherMetricsBinder(ObjectProvider<MeterRegistry> registries, ConfigurableListableBeanFactory beanFactory) {
        this.registries = registries;
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        MeterRegistry unique = registries.getIfUnique();
        List<MeterRegistry> targets = unique != null ? List.of(unique) : registries.orderedStream().toList();
        for (String name : TetherClientRegistrar.registeredClients(beanFactory)) {
            TetherClientMetrics metrics = new TetherClientMetrics(beanFactory.getBean(name, TetherClient.class), name);
            targets.forEach(metrics::bindTo);
        }
    }
}
