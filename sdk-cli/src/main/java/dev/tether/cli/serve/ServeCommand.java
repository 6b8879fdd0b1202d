package dev.tether.cli.serve;

import dev.tether.cli.internal.DurationConverter;
import dev.tether.cli.internal.Threads;
import dev.tether.cli.internal.TlsVersionOptions;
import dev.tether.cli.internal.UsageException;
import dev.tether.core.TetherException;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConfigException;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tether serve}: an echo server for trying clients against, plain or TLS, with or without client
 * certificates. Runs until Ctrl-C or SIGTERM, then closes every connection cleanly.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run an echo server on Tether's own TLS server side: every message a client sends comes back.",
            "",
            "Plain TCP by default; TLS with --cert and --key; mutual TLS (client certificates required) with "
                + "--client-ca as well. Prints one line per connection (peer, TLS protocol, cipher, client "
                + "certificate subject; never payloads). Stops cleanly on Ctrl-C or SIGTERM.",
            "",
            "Example (after 'tether certs init'):",
            "  tether serve --port 7443 --protocol line --cert certs/dev/server.crt --key certs/dev/server.key "
                + "--client-ca certs/dev/ca.crt",
            ""},
        usageHelpAutoWidth = true,
        sortOptions = false)
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "0",
            description = "Port to listen on; 0 (default) picks a free one and prints it.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 or :: for every interface).")
    String bind;

    @Option(names = "--protocol", paramLabel = "line|length|raw", defaultValue = "raw",
            description = "Framing: newline-terminated lines, 4-byte length-prefixed frames, or raw bytes "
                    + "(default: ${DEFAULT-VALUE}; raw echoes any protocol, RESP included).")
    EchoProtocol protocol;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "Server certificate chain (PEM, leaf first); with --key turns TLS on.")
    Path certificate;

    @Option(names = "--key", paramLabel = "FILE", description = "The server certificate's private key (PEM).")
    Path key;

    @Option(names = "--client-ca", paramLabel = "FILE",
            description = "Require client certificates issued by the CA(s) in FILE (PEM): mutual TLS.")
    Path clientCa;

    @Mixin
    TlsVersionOptions versions = new TlsVersionOptions();

    @picocli.CommandLine.Mixin
    dev.tether.cli.internal.TlsProviderOption tlsProvider;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = "Disconnect clients silent this long (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "1024",
            description = "Clients served at once; more are turned away (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = {"-q", "--quiet"}, description = "Do not print a line per connection.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        TlsConfig tls = tlsConfig();
        PrintWriter out = spec.commandLine().getOut();
        EchoServer server;
        try {
            server = EchoServer.builder().bindAddress(bind).port(port).protocol(protocol).tls(tls)
                    .idleTimeout(idleTimeout).maxConnections(maxConnections).listener(new LogLines(out, quiet))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            out.println(timestamp() + " stopping: closing " + server.openConnections() + " open connection(s)");
            server.close();
            out.println(timestamp() + " stopped after " + server.acceptedConnections() + " connection(s), "
                    + server.messagesEchoed() + " message(s) echoed");
            out.flush();
            stopped.countDown();
        }, "tether-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("listening on " + server.endpoint() + " (" + describe(server) + ")");
        out.println("Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }

    private TlsConfig tlsConfig() {
        if ((certificate == null) != (key == null)) {
            throw new UsageException("--cert and --key go together: give both for TLS, or neither for plain TCP");
        }
        if (certificate == null) {
            if (clientCa != null || versions.anyGiven()) {
                throw new UsageException("--client-ca, --tls1.2 and --tls1.3 need TLS: add --cert and --key");
            }
            return null;
        }
        TlsConfig.Builder b = tlsProvider.apply(TlsConfig.builder()).keyMaterial(certificate, key)
                .protocols(versions.protocols().toArray(new String[0]));
        if (clientCa != null) {
            b.trustPemFile(clientCa).clientAuth(ClientAuth.REQUIRED);
        }
        try {
            return b.build();
        } catch (TlsConfigException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    static String describe(EchoServer server) {
        StringBuilder sb = new StringBuilder(server.protocol().name().toLowerCase(java.util.Locale.ROOT))
                .append(" echo, ");
        if (server.tls().isEmpty()) {
            sb.append("plain TCP");
        } else {
            TlsConfig tls = server.tls().get();
            sb.append("TLS ").append(String.join("/", tls.protocols()));
            sb.append(tls.clientAuth() == ClientAuth.REQUIRED ? ", client certificate required" : "");
            sb.append(", provider ").append(tls.providerInUse());
        }
        sb.append(", idle timeout ").append(DurationConverter.format(server.idleTimeout()));
        sb.append(Threads.virtualThreadsAvailable() ? ", virtual threads" : ", platform threads");
        return sb.toString();
    }

    static String timestamp() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** One line per connection on the command's output. */
    private static final class LogLines implements EchoServer.Listener {
        private final PrintWriter out;
        private final boolean quiet;

        LogLines(PrintWriter out, boolean quiet) {
            this.out = out;
            this.quiet = quiet;
        }

        @Override
        public void connectionOpened(PeerInfo peer) {
            if (quiet) {
                return;
            }
            StringBuilder line = new StringBuilder(timestamp()).append(" #").append(peer.id()).append(' ')
                    .append(address(peer.remoteAddress()));
            if (peer.tlsProtocol().isPresent()) {
                line.append(' ').append(peer.tlsProtocol().get()).append(' ').append(peer.cipherSuite().orElse("?"));
                line.append(peer.clientSubject().map(s -> " client \"" + s + "\"").orElse(" no client certificate"));
            } else {
                line.append(" plain");
            }
            print(line.toString());
        }

        @Override
        public void handshakeFailed(long id, SocketAddress peer, TetherException failure) {
            if (!quiet) {
                print(timestamp() + " #" + id + ' ' + address(peer) + " TLS handshake failed: " + failure.getMessage());
            }
        }

        @Override
        public void connectionRejected(SocketAddress peer, String reason) {
            print(timestamp() + " " + address(peer) + " rejected: " + reason);
        }

        private void print(String line) {
            out.println(line);
            out.flush();
        }

        private static String address(SocketAddress address) {
            String s = String.valueOf(address);
            return s.startsWith("/") ? s.substring(1) : s;
        }
    }
}
