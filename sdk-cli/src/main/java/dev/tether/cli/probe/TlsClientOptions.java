package dev.tether.cli.probe;

import dev.tether.cli.internal.TlsVersionOptions;
import dev.tether.cli.internal.UsageException;
import dev.tether.core.Endpoint;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The TLS client options shared by {@code tether probe} and {@code tether bench}: whom to trust, which client
 * certificate to present, which name to ask for and verify, which protocol versions and ALPN protocols to
 * offer. Hostname verification stays on; there is no option to turn it off. The version options are the
 * {@link TlsVersionOptions} mixin that {@code tether serve} uses too.
 */
public final class TlsClientOptions {
    @Option(names = "--ca", paramLabel = "FILE",
            description = "Trust the CA certificate(s) in FILE (PEM) instead of the system trust store.")
    Path ca;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Client certificate chain (PEM, leaf first) for mutual TLS; needs --key.")
    Path certificate;

    @Option(names = "--key", paramLabel = "FILE", description = "The client certificate's private key (PEM).")
    Path key;

    @Option(names = "--sni", paramLabel = "NAME",
            description = "Server name to send (SNI) and to verify the certificate against, instead of HOST.")
    String serverName;

    @Mixin
    TlsVersionOptions versions = new TlsVersionOptions();

    @Option(names = "--alpn", paramLabel = "PROTOCOL", split = ",",
            description = "ALPN protocols to offer, in preference order (e.g. h2,http/1.1).")
    List<String> alpn = new ArrayList<>();

    /** Whether any TLS option was given (bench turns TLS on when one is). */
    public boolean anyGiven() {
        return ca != null || certificate != null || key != null || serverName != null || versions.anyGiven()
                || !alpn.isEmpty();
    }

    /** Whether a client certificate was given. */
    public boolean hasClientCertificate() {
        return certificate != null;
    }

    /** The CA file given with {@code --ca}, or null for the system trust. */
    public Path caFile() {
        return ca;
    }

    /** The protocol versions to offer. */
    public List<String> protocols() {
        return versions.protocols();
    }

    /** {@code endpoint} with the {@code --sni} name, when one was given. */
    public Endpoint apply(Endpoint endpoint) {
        return serverName == null ? endpoint : endpoint.withServerName(serverName.trim());
    }

    /**
     * The client TLS config these options describe, with {@code handshakeTimeout}; every file is read now.
     *
     * @throws UsageException when the options contradict each other or a file cannot be used
     */
    public TlsConfig config(Duration handshakeTimeout) {
        if ((certificate == null) != (key == null)) {
            throw new UsageException("--cert and --key go together: give both to present a client certificate");
        }
        if (serverName != null && serverName.isBlank()) {
            throw new UsageException("--sni must not be blank");
        }
        try {
            TlsConfig.Builder b = TlsConfig.builder().protocols(protocols().toArray(new String[0]))
                    .handshakeTimeout(handshakeTimeout);
            if (ca != null) {
                b.trustPemFile(ca);
            }
            if (certificate != null) {
                b.keyMaterial(certificate, key);
            }
            if (!alpn.isEmpty()) {
                b.applicationProtocols(alpn.toArray(new String[0]));
            }
            return b.build();
        } catch (TlsConfigException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }
}
