package dev.tether.spring.boot;

import dev.tether.core.codec.RespValue;
import dev.tether.pool.TetherClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@link TetherClient} bean definition per {@code tether.clients.<name>}, named {@code <name>}, built
 * by {@link TetherClientFactory} when the bean is created and closed (draining calls in flight) when the context
 * closes. A bean the application already defines under that name wins: the starter then leaves that client alone.
 */
class TetherClientRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {
    /** Bean definition attribute marking the clients this starter registered; its value is the client name. */
    static final String CLIENT_ATTRIBUTE = TetherClientRegistrar.class.getName() + ".client";

    private static final Logger LOG = LoggerFactory.getLogger(TetherClientRegistrar.class);

    private Environment environment;
    private BeanFactory beanFactory;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        for (Map.Entry<String, TetherProperties.Client> e : configuredClients(environment).entrySet()) {
            String name = e.getKey();
            if (registry.containsBeanDefinition(name)) {
                LOG.info("tether.clients.{}: the application defines a bean named '{}'; the starter does not create"
                        + " that client", name, name);
                continue;
            }
            RootBeanDefinition definition = new RootBeanDefinition(TetherClient.class);
            definition.setTargetType(clientType(name, e.getValue(), registry));
            definition.setInstanceSupplier(() -> beanFactory.getBean(TetherClientFactory.class).create(name));
            // TetherClient.close() stops new calls, drains those in flight and closes connections with close_notify.
            definition.setDestroyMethodName("close");
            definition.setAttribute(CLIENT_ATTRIBUTE, name);
            registry.registerBeanDefinition(name, definition);
        }
    }

    /** The {@code tether.clients} entries, by name, in the order configured. */
    static Map<String, TetherProperties.Client> configuredClients(Environment environment) {
        return Binder.get(environment)
                .bind("tether.clients", Bindable.mapOf(String.class, TetherProperties.Client.class))
                .orElse(Map.of());
    }

    /** The names of the client beans this starter registered (not those the application defined itself). */
    static List<String> registeredClients(ConfigurableListableBeanFactory beanFactory) {
        List<String> names = new ArrayList<>();
        for (String name : beanFactory.getBeanNamesForType(TetherClient.class, true, false)) {
            if (beanFactory.containsBeanDefinition(name)
                    && beanFactory.getBeanDefinition(name).getAttribute(CLIENT_ATTRIBUTE) != null) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * The bean's generic type, so that {@code TetherClient<String, String>} can be injected by type. A codec bean
     * named for the client decides the types at creation; when its definition does not tell them, the bean is
     * registered as a raw {@code TetherClient}, which Spring still injects into any {@code TetherClient<...>}.
     */
    private static ResolvableType clientType(String name, TetherProperties.Client client, BeanDefinitionRegistry registry) {
        String codecBean = TetherClientFactory.codecBeanName(name);
        if (registry.containsBeanDefinition(codecBean)) {
            BeanDefinition definition = registry.getBeanDefinition(codecBean);
            ResolvableType codec = definition.getResolvableType().as(dev.tether.core.codec.Codec.class);
            if (codec != ResolvableType.NONE && !codec.hasUnresolvableGenerics()) {
                return ResolvableType.forClassWithGenerics(TetherClient.class, codec.getGenerics());
            }
            return ResolvableType.forClass(TetherClient.class);
        }
        String codec = client.getCodec() == null ? "" : client.getCodec().trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (codec) {
            case "line" -> ResolvableType.forClassWithGenerics(TetherClient.class, String.class, String.class);
            case "length-prefixed" -> ResolvableType.forClassWithGenerics(TetherClient.class, byte[].class, byte[].class);
            case "resp" -> ResolvableType.forClassWithGenerics(TetherClient.class, RespValue.class, RespValue.class);
            // An unknown or missing codec fails when the bean is created, with a message naming the property.
            default -> ResolvableType.forClass(TetherClient.class);
        };
    }
}
