package dev.tether.cli.internal;

import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConfigException;
import dev.tether.tls.TlsProvider;
import picocli.CommandLine.Option;

/**
 * {@code --tls-provider jdk|openssl}, mixed into probe, bench, serve and demo: which TLS implementation runs the
 * connections. A separate mixin so that it adds to each command's TLS options without reshaping them.
 */
public final class TlsProviderOption {
    @Option(names = "--tls-provider", paramLabel = "jdk|openssl", defaultValue = "jdk",
            description = "TLS implementation: jdk (default) or openssl (BoringSSL: much cheaper handshakes and bulk"
                    + " encryption; fails when its native library cannot load here).")
    String provider;

    /** The provider asked for. */
    public TlsProvider provider() {
        try {
            return TlsProvider.parse(provider);
        } catch (TlsConfigException e) {
            throw new UsageException("--tls-provider: " + e.getMessage(), e);
        }
    }

    /** {@code builder} with the provider set. */
    public TlsConfig.Builder apply(TlsConfig.Builder builder) {
        return builder.provider(provider());
    }

    /** {@code config} with the provider set (rebuilt, reading its files again, when it differs); null stays null. */
    public TlsConfig apply(TlsConfig config) {
        if (config == null || config.provider() == provider()) {
            return config;
        }
        try {
            return config.toBuilder().provider(provider()).build();
        } catch (TlsConfigException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
