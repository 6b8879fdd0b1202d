package dev.tether.spring.boot;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the starter registered at least one client bean (so not when no {@code tether.clients} are
 * configured, nor when the application defined every one of them itself). Evaluated when beans are registered,
 * after {@link TetherAutoConfiguration}'s registrar ran.
 */
class OnTetherClientsCondition extends SpringBootCondition implements ConfigurationCondition {

    @Override
    public ConfigurationPhase getConfigurationPhase() {
        return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
        List<String> clients = new ArrayList<>();
        if (beanFactory != null) {
            for (String name : beanFactory.getBeanDefinitionNames()) {
                if (beanFactory.getBeanDefinition(name).getAttribute(TetherClientRegistrar.CLIENT_ATTRIBUTE) != null) {
                    clients.add(name);
                }
            }
        }
        return clients.isEmpty() ? ConditionOutcome.noMatch("no Tether client beans registered by the starter")
                : ConditionOutcome.match("Tether clients " + clients);
    }
}
