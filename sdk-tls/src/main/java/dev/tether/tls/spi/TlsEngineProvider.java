package dev.tether.tls.spi;

import dev.tether.tls.TlsProvider;
import java.util.Optional;

/**
 * A TLS implementation that can run under Tether's TLS layer, found with {@link java.util.ServiceLoader}
 * (register the class in {@code META-INF/services/dev.tether.tls.spi.TlsEngineProvider}). Implementations
 * need a public no-argument constructor and must be cheap to construct: availability is checked lazily.
 */
public interface TlsEngineProvider {

    /** Which {@link TlsProvider} setting this implements (not {@link TlsProvider#PREFER_OPENSSL}). */
    TlsProvider kind();

    /** Why this provider cannot be used on this machine (for example a native library that did not load); empty when it can. */
    Optional<Throwable> unavailabilityCause();

    /** A short description for logs, such as the native library's version. */
    String description();

    /**
     * Creates the engine factory for one config's material. Called once per {@code TlsConfig} build (and so
     * per reload); the factory may hold native contexts, which it frees when it is no longer reachable and
     * the last of its engines is released.
     *
     * @throws Exception when the material cannot be used by this implementation; the message is shown to the user
     */
    TlsEngineFactory newFactory(TlsEngineSpec spec) throws Exception;
}
