package dev.tether.spring.boot;

import dev.tether.pool.TetherClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Binds the meters of each client the starter created ({@link ClientMeters}: sdk-pool's
 * {@code TetherClientMetrics} plus client-level gauges), once all singletons exist, and keeps them in step with
 * the client's endpoint set as it changes. Binds to the application's one (or primary) {@link MeterRegistry}; with
 * several registries and none primary, to each.
 */
class TetherMetricsBinder implements SmartInitializingSingleton {
    private final ObjectProvider<MeterRegistry> registries;
    private final ConfigurableListableBeanFactory beanFactory;
    private final TetherClientFactory factory;

    TetherMetricsBinder(ObjectProvider<MeterRegistry> registries, ConfigurableListableBeanFactory beanFactory,
                        TetherClientFactory factory) {
        this.registries = registries;
        this.beanFactory = beanFactory;
        this.factory = factory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        MeterRegistry unique = registries.getIfUnique();
        List<MeterRegistry> targets = unique != null ? List.of(unique) : registries.orderedStream().toList();
        for (String name : TetherClientRegistrar.registeredClients(beanFactory)) {
            ClientMeters meters = new ClientMeters(beanFactory.getBean(name, TetherClient.class), name, targets);
            // Follow changes before the first bind, so that a change in between is not missed.
            factory.endpointChanges(name).ifPresent(changes -> changes.onChange(meters::sync));
            meters.bind();
        }
    }
}
