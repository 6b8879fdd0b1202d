package dev.tether.tls.internal;

import dev.tether.tls.TlsConfigException;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.TlsProviderUnavailableException;
import dev.tether.tls.spi.TlsEngineFactory;
import dev.tether.tls.spi.TlsEngineProvider;
import dev.tether.tls.spi.TlsEngineSpec;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link TlsProvider} setting into the engine factory a config's connections use: the JDK's from the
 * config's {@link SSLContext}, or one from a {@link TlsEngineProvider} found with {@link ServiceLoader}.
 */
final class EngineProviders {
    private static final Logger log = LoggerFactory.getLogger(EngineProviders.class);
    private static final AtomicBoolean preferenceLogged = new AtomicBoolean();
    private static final String MODULE_HINT = "add the module dev.tether:sdk-tls-openssl to the class path";

    private EngineProviders() {
    }

    static TlsEngineFactory factory(TlsProvider requested, SSLContext jdkContext, TlsEngineSpec spec) {
        return switch (requested) {
            case JDK -> new JdkEngineFactory(jdkContext);
            case OPENSSL -> create(usable(TlsProvider.OPENSSL), spec);
            case PREFER_OPENSSL -> preferOpenSsl(jdkContext, spec);
        };
    }

    private static TlsEngineFactory preferOpenSsl(SSLContext jdkContext, TlsEngineSpec spec) {
        TlsEngineProvider provider;
        try {
            provider = usable(TlsProvider.OPENSSL);
        } catch (TlsProviderUnavailableException e) {
            if (preferenceLogged.compareAndSet(false, true)) {
                log.info("TLS provider PREFER_OPENSSL: using the JDK's TLS, because {}", e.getMessage());
            }
            return new JdkEngineFactory(jdkContext);
        }
        if (preferenceLogged.compareAndSet(false, true)) {
            log.info("TLS provider PREFER_OPENSSL: using {}", provider.description());
        }
        return create(provider, spec);
    }

    /** The registered provider of {@code kind} that can run here. */
    private static TlsEngineProvider usable(TlsProvider kind) {
        Optional<TlsEngineProvider> found = find(kind);
        if (found.isEmpty()) {
            throw new TlsProviderUnavailableException(kind, "TLS provider " + kind + " is not on the class path: "
                    + MODULE_HINT + ", or use TlsProvider.JDK (or PREFER_OPENSSL to fall back to it)", null);
        }
        TlsEngineProvider provider = found.get();
        Optional<Throwable> cause = provider.unavailabilityCause();
        if (cause.isPresent()) {
            throw new TlsProviderUnavailableException(kind, "TLS provider " + kind + " cannot run on this machine ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): its native library did"
                    + " not load: " + cause.get() + "; use TlsProvider.JDK, or PREFER_OPENSSL to fall back to it",
                    cause.get());
        }
        return provider;
    }

    /** Whether a provider of {@code kind} is registered and can run here. */
    static boolean isAvailable(TlsProvider kind) {
        return find(kind).map(p -> p.unavailabilityCause().isEmpty()).orElse(false);
    }

    private static Optional<TlsEngineProvider> find(TlsProvider kind) {
        for (TlsEngineProvider p : ServiceLoader.load(TlsEngineProvider.class, EngineProviders.class.getClassLoader())) {
            if (p.kind() == kind) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static TlsEngineFactory create(TlsEngineProvider provider, TlsEngineSpec spec) {
        try {
            return provider.newFactory(spec);
        } catch (TlsConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new TlsConfigException("cannot create the " + provider.kind() + " TLS context: " + e.getMessage(), e);
        }
    }
}
