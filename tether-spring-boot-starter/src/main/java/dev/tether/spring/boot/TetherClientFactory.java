package dev.tether.spring.boot;

import static dev.tether.spring.boot.PropertyChecks.check;

import dev.tether.core.Endpoint;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.core.codec.LineCodec;
import dev.tether.core.codec.RespCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.EndpointSource;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.ReconnectSettings;
import dev.tether.pool.RetrySettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsMaterialSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Builds one {@link TetherClient} from its {@code tether.clients.<name>} properties, turning every bad or
 * missing value into a {@link TetherClientConfigurationException} that names the property. Unset values are
 * left to Tether's builders, so Tether's documented defaults stay the only defaults.
 */
class TetherClientFactory {

    /** The codec names {@code tether.clients.<name>.codec} accepts. */
    static final List<String> CODECS = List.of("line", "length-prefixed", "resp");

    private final TetherProperties properties;
    private final ObjectProvider<SslBundles> sslBundles;
    private final BeanFactory beanFactory;
    private final Map<String, EndpointReachability> reachability = new ConcurrentHashMap<>();
    private final Map<String, EndpointSetChanges> endpointChanges = new ConcurrentHashMap<>();

    TetherClientFactory(TetherProperties properties, ObjectProvider<SslBundles> sslBundles, BeanFactory beanFactory) {
        this.properties = properties;
        this.sslBundles = sslBundles;
        this.beanFactory = beanFactory;
    }

    /** The name of the bean that, when present, is the codec of client {@code name}. */
    static String codecBeanName(String name) {
        return name + "Codec";
    }

    /** Reachability as seen by the client built under {@code name}, if this factory built it. */
    Optional<EndpointReachability> reachability(String name) {
        return Optional.ofNullable(reachability.get(name));
    }

    /** Changes of the endpoint set of the client built under {@code name}, if this factory built it. */
    Optional<EndpointSetChanges> endpointChanges(String name) {
        return Optional.ofNullable(endpointChanges.get(name));
    }

    TetherClient<?, ?> create(String name) {
        String prefix = "tether.clients." + name;
        TetherProperties.Client client = properties.getClients().get(name);
        if (client == null) {
            throw new TetherClientConfigurationException(prefix, "no such client is configured", null, null);
        }
        return build(name, prefix, client, codec(name, prefix, client));
    }

    private <Req, Resp> TetherClient<Req, Resp> build(String name, String prefix, TetherProperties.Client client,
                                                       Codec<Req, Resp> codec) {
        TetherClient.Builder<Req, Resp> builder = TetherClient.builder(codec).name(name);
        Optional<EndpointSource> dns = DnsSourceFactory.from(prefix, client);
        if (dns.isPresent()) {
            builder.endpointSource(dns.get());
        } else {
            endpoints(prefix, client.getEndpoints(), builder);
        }
        TlsMaterialSource tls = tls(prefix + ".ssl", client.getSsl());
        if (tls != null) {
            builder.tls(tls);
        }
        if (client.getConnectTimeout() != null) {
            builder.transport(check(prefix + ".connect-timeout",
                    () -> TransportOptions.builder().connectTimeout(client.getConnectTimeout()).build(), null));
        }
        if (client.getCallTimeout() != null) {
            builder.defaultCallOptions(check(prefix + ".call-timeout",
                    () -> CallOptions.timeout(client.getCallTimeout()), null));
        }
        if (client.getLoadBalancing() != null) {
            builder.loadBalancing(client.getLoadBalancing());
        }
        builder.pool(pool(prefix + ".pool", client.getPool()));
        builder.retry(check(prefix + ".retry", () -> retry(client.getRetry()), null));
        builder.circuitBreaker(check(prefix + ".circuit-breaker", () -> breaker(client.getCircuitBreaker()), null));
        builder.reconnect(check(prefix + ".reconnect", () -> reconnect(client.getReconnect()), null));
        EndpointReachability seen = new EndpointReachability();
        EndpointSetChanges changes = new EndpointSetChanges();
        builder.listener(seen).listener(changes);
        // With a DNS source this asks DNS once, bounded by its timeouts; a failed answer does not fail the build.
        TetherClient<Req, Resp> built = check(prefix, builder::build, null);
        reachability.put(name, seen);
        endpointChanges.put(name, changes);
        return built;
    }

    private static void endpoints(String prefix, List<String> endpoints, TetherClient.Builder<?, ?> builder) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new TetherClientConfigurationException(prefix + ".endpoints", "no endpoint is configured",
                    "Set " + prefix + ".endpoints to one or more host:port, or take them from DNS with " + prefix
                    + ".dns.name and " + prefix + ".dns.port (or " + prefix + ".dns.srv)", null);
        }
        for (int i = 0; i < endpoints.size(); i++) {
            String property = prefix + ".endpoints[" + i + "]";
            String text = endpoints.get(i);
            Endpoint endpoint = check(property, () -> Endpoint.parse(text == null ? "" : text.trim()),
                    "Write it as host:port, [v6]:port or unix:/path");
            check(property, () -> builder.endpoint(endpoint), null);
        }
    }

    private Codec<?, ?> codec(String name, String prefix, TetherProperties.Client client) {
        String beanName = codecBeanName(name);
        if (beanFactory.containsBean(beanName)) {
            // A Codec bean named for the client takes precedence over the property.
            return beanFactory.getBean(beanName, Codec.class);
        }
        String codec = client.getCodec();
        if (codec == null || codec.isBlank()) {
            throw new TetherClientConfigurationException(prefix + ".codec", "no codec is configured",
                    "Set it to one of " + CODECS + ", or define a Codec bean named '" + beanName + "'", null);
        }
        return switch (codec.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "line" -> LineCodec.create();
            case "length-prefixed" -> LengthPrefixedCodec.create();
            case "resp" -> RespCodec.create();
            default -> throw new TetherClientConfigurationException(prefix + ".codec",
                    "unknown codec '" + codec + "'", "Use one of " + CODECS + ", or define a Codec bean named '"
                    + beanName + "'", null);
        };
    }

    private TlsMaterialSource tls(String prefix, TetherProperties.Ssl ssl) {
        if (!ssl.isEnabled()) {
            if (ssl.getBundle() != null) {
                throw new TetherClientConfigurationException(prefix + ".bundle", "an SSL bundle is set while "
                        + prefix + ".enabled is false", "Remove one of the two", null);
            }
            return null;
        }
        if (ssl.getBundle() == null) {
            // TLS stays on without a bundle: the JDK's default trust store, hostname verification on.
            return TlsMaterialSource.of(check(prefix, TlsConfig::defaults, null));
        }
        String property = prefix + ".bundle";
        SslBundles bundles = sslBundles.getIfAvailable();
        if (bundles == null) {
            throw new TetherClientConfigurationException(property, "names SSL bundle '" + ssl.getBundle()
                    + "' but the application has no SslBundles bean", "Let Spring Boot's SslAutoConfiguration run"
                    + " (it is part of spring-boot-autoconfigure) or define an SslBundles bean", null);
        }
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(ssl.getBundle());
        } catch (NoSuchSslBundleException e) {
            throw new TetherClientConfigurationException(property, "there is no SSL bundle named '" + ssl.getBundle()
                    + "' (bundles defined: " + bundles.getBundleNames() + ")", "Define it under spring.ssl.bundle.pem."
                    + ssl.getBundle() + " or spring.ssl.bundle.jks." + ssl.getBundle() + ", or fix the name", e);
        }
        TlsConfig initial = check(property, () -> SslBundleTls.from(bundle), "Check SSL bundle '" + ssl.getBundle()
                + "' (" + SslBundleTls.describe(bundle) + ")");
        SslBundleMaterialSource source = new SslBundleMaterialSource(prefix + " (SSL bundle '" + ssl.getBundle() + "')",
                initial);
        bundles.addBundleUpdateHandler(ssl.getBundle(), source::update);
        return source;
    }

    /**
     * Each value is checked as it is set, so that a value Tether rejects on its own names its property
     * ({@code tether.clients.<name>.pool.pipeline-depth}); what only {@code build()} can see, values that contradict
     * each other, names the group ({@code prefix}).
     */
    private static PoolSettings pool(String prefix, TetherProperties.Pool p) {
        PoolSettings.Builder b = PoolSettings.builder();
        set(prefix, "max-total", p.getMaxTotal(), b::maxTotal);
        set(prefix, "max-per-endpoint", p.getMaxPerEndpoint(), b::maxPerEndpoint);
        set(prefix, "min-idle-per-endpoint", p.getMinIdlePerEndpoint(), b::minIdlePerEndpoint);
        set(prefix, "acquire-timeout", p.getAcquireTimeout(), b::acquireTimeout);
        set(prefix, "lifo", p.getLifo(), b::lifo);
        set(prefix, "max-idle-time", p.getMaxIdleTime(), b::maxIdleTime);
        set(prefix, "max-lifetime", p.getMaxLifetime(), b::maxLifetime);
        set(prefix, "max-lifetime-jitter", p.getMaxLifetimeJitter(), b::maxLifetimeJitter);
        set(prefix, "validate-after-inactivity", p.getValidateAfterInactivity(), b::validateAfterInactivity);
        set(prefix, "keep-alive-interval", p.getKeepAliveInterval(), b::keepAliveInterval);
        set(prefix, "keep-alive-timeout", p.getKeepAliveTimeout(), b::keepAliveTimeout);
        set(prefix, "leak-detection-threshold", p.getLeakDetectionThreshold(), b::leakDetectionThreshold);
        set(prefix, "drain-timeout", p.getDrainTimeout(), b::drainTimeout);
        set(prefix, "maintenance-interval", p.getMaintenanceInterval(), b::maintenanceInterval);
        set(prefix, "pipeline-depth", p.getPipelineDepth(), b::pipelineDepth);
        set(prefix, "pipeline-max-queued-bytes", p.getPipelineMaxQueuedBytes(), b::pipelineMaxQueuedBytes);
        return check(prefix, b::build, null);
    }

    private static RetrySettings retry(TetherProperties.Retry r) {
        RetrySettings.Builder b = RetrySettings.builder();
        set(r.getMaxAttempts(), b::maxAttempts);
        set(r.getInitialBackoff(), b::initialBackoff);
        set(r.getMaxBackoff(), b::maxBackoff);
        set(r.getBudgetRatio(), b::budgetRatio);
        set(r.getBudgetMinRetriesPerSecond(), b::budgetMinRetriesPerSecond);
        set(r.getBudgetWindow(), b::budgetWindow);
        return b.build();
    }

    private static CircuitBreakerSettings breaker(TetherProperties.CircuitBreaker c) {
        CircuitBreakerSettings.Builder b = CircuitBreakerSettings.builder();
        set(c.getEnabled(), b::enabled);
        set(c.getFailureRateThreshold(), b::failureRateThreshold);
        set(c.getSlowCallRateThreshold(), b::slowCallRateThreshold);
        set(c.getSlowCallDuration(), b::slowCallDuration);
        set(c.getSlidingWindowSize(), b::slidingWindowSize);
        set(c.getMinimumCalls(), b::minimumCalls);
        set(c.getOpenDuration(), b::openDuration);
        set(c.getMaxOpenDuration(), b::maxOpenDuration);
        set(c.getHalfOpenCalls(), b::halfOpenCalls);
        set(c.getPanicThreshold(), b::panicThreshold);
        return b.build();
    }

    private static ReconnectSettings reconnect(TetherProperties.Reconnect r) {
        ReconnectSettings.Builder b = ReconnectSettings.builder();
        set(r.getInitialBackoff(), b::initialBackoff);
        set(r.getMultiplier(), b::multiplier);
        set(r.getJitter(), b::jitter);
        set(r.getMaxBackoff(), b::maxBackoff);
        return b.build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Sets {@code value} unless unset; a rejection names {@code <prefix>.<property>}. */
    private static <T> void set(String prefix, String property, T value, Consumer<T> setter) {
        PropertyChecks.setChecked(prefix + "." + property, value, setter);
    }
}
