package dev.tether.cli.internal;

import dev.tether.tls.TlsConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The TLS protocol version options every TLS command shares (a picocli mixin): {@code --tls1.2} and
 * {@code --tls1.3} limit the versions used; neither, or both, means both.
 */
public final class TlsVersionOptions {
    @Option(names = "--tls1.2", description = "Use TLS 1.2 only.")
    boolean tls12;

    @Option(names = "--tls1.3", description = "Use TLS 1.3 only.")
    boolean tls13;

    /** Whether either option was given. */
    public boolean anyGiven() {
        return tls12 || tls13;
    }

    /** The protocol versions to use. */
    public List<String> protocols() {
        if (tls12 && !tls13) {
            return List.of("TLSv1.2");
        }
        if (tls13 && !tls12) {
            return List.of("TLSv1.3");
        }
        return TlsConfig.SUPPORTED_PROTOCOLS;
    }
}
