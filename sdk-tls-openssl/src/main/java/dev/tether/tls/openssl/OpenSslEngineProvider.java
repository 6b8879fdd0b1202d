package dev.tether.tls.openssl;

import dev.tether.tls.TlsProvider;
import dev.tether.tls.spi.TlsEngineFactory;
import dev.tether.tls.spi.TlsEngineProvider;
import dev.tether.tls.spi.TlsEngineSpec;
import io.netty.handler.ssl.OpenSsl;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Registers OpenSSL (BoringSSL from {@code netty-tcnative-boringssl-static}) as {@link TlsProvider#OPENSSL}
 * through {@link java.util.ServiceLoader}. The native library is loaded the first time availability is asked.
 */
public final class OpenSslEngineProvider implements TlsEngineProvider {

    /** For {@link java.util.ServiceLoader}. */
    public OpenSslEngineProvider() {
    }

    @Override
    public TlsProvider kind() {
        return TlsProvider.OPENSSL;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return OpenSsl.isAvailable() ? Optional.empty() : Optional.ofNullable(OpenSsl.unavailabilityCause())
                .or(() -> Optional.of(new UnsatisfiedLinkError("OpenSSL is not available")));
    }

    @Override
    public String description() {
        return "OpenSSL provider (" + OpenSsl.versionString() + ")";
    }

    @Override
    public TlsEngineFactory newFactory(TlsEngineSpec spec) throws SSLException {
        return OpenSslEngineFactory.create(spec);
    }

    /** Whether the native library loads on this machine. */
    public static boolean isAvailable() {
        return OpenSsl.isAvailable();
    }
}
