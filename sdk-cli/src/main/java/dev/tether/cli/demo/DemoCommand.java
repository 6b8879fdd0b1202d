package dev.tether.cli.demo;

import dev.tether.cli.bench.BenchReport;
import dev.tether.cli.bench.LoadGenerator;
import dev.tether.cli.bench.LoadRun;
import dev.tether.cli.bench.ProgressLine;
import dev.tether.cli.bench.RecordingConnector;
import dev.tether.cli.bench.Workload;
import dev.tether.cli.certs.CertsCommand;
import dev.tether.cli.internal.CommandLines;
import dev.tether.cli.internal.DurationConverter;
import dev.tether.cli.internal.UsageException;
import dev.tether.cli.serve.EchoProtocol;
import dev.tether.cli.serve.EchoServer;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConfigException;
import dev.tether.tls.TlsConnector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tether demo}: Tether end to end in one command. Makes a development PKI if there is none, starts an
 * in-process mutual-TLS echo server, runs pooled idempotent calls against it, restarts the server halfway
 * through, and shows that every call still succeeded, with retries, connection reuse, TLS parameters and
 * latency percentiles.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run Tether end to end against an in-process mutual-TLS echo server, with a restart halfway.",
            "",
            "Creates a development PKI in certs/dev (if absent), starts a mutual-TLS echo server in this "
                + "process, makes pooled idempotent calls to it for about ten seconds, restarts the server "
                + "halfway so retries and pool recovery show, then summarises. Needs nothing else.",
            ""},
        usageHelpAutoWidth = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every call succeeded",
            "1:some calls failed, or the development PKI is unusable",
            "2:usage error"})
public final class DemoCommand implements Callable<Integer> {
    private static final List<String> PKI_FILES = List.of("ca.crt", "server.crt", "server.key", "client.crt",
            "client.key");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    dev.tether.cli.internal.TlsProviderOption tlsProvider;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "certs/dev",
            description = "Where the development PKI is, or is created (default: ${DEFAULT-VALUE}, under the "
                    + "current directory).")
    Path dir;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class, description = "How long to make calls (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "4",
            description = "Concurrent callers (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        if (duration.compareTo(Duration.ofMillis(500)) < 0) {
            throw new UsageException("--duration must be at least 500ms: " + DurationConverter.format(duration));
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new UsageException("--concurrency must be within 1..256: " + concurrency);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!ensurePki(out, err)) {
            return 1;
        }
        TlsConfig serverTls;
        TlsConfig clientTls;
        try {
            serverTls = tlsProvider.apply(TlsConfig.builder()).keyMaterial(dir.resolve("server.crt"), dir.resolve("server.key"))
                    .trustPemFile(dir.resolve("ca.crt")).clientAuth(ClientAuth.REQUIRED).build();
            clientTls = tlsProvider.apply(TlsConfig.builder()).trustPemFile(dir.resolve("ca.crt"))
                    .keyMaterial(dir.resolve("client.crt"), dir.resolve("client.key")).build();
        } catch (TlsConfigException e) {
            err.println("tether demo: the development PKI in " + dir + " cannot be used: " + e.getMessage());
            err.println("Recreate it with: tether certs init -o " + dir + " --force");
            return 1;
        }
        String expired = expired(serverTls, clientTls);
        if (expired != null) {
            err.println("tether demo: " + expired + "; recreate the PKI with: tether certs init -o " + dir + " --force");
            return 1;
        }
        try (EchoServer server = EchoServer.builder().protocol(EchoProtocol.LINE).tls(serverTls).build()) {
            server.start();
            out.println("Started a mutual-TLS echo server on " + server.endpoint()
                    + " (client certificates required, in this process).");
            return runCalls(server, clientTls, out, err);
        }
    }

    private int runCalls(EchoServer server, TlsConfig clientTls, PrintWriter out, PrintWriter err)
            throws InterruptedException {
        Endpoint endpoint = Endpoint.of("localhost", server.port());
        RecordingConnector connector = new RecordingConnector(new TlsConnector(
                SocketConnector.of(TransportOptions.defaults()), clientTls));
        CallOptions options = CallOptions.timeout(Duration.ofSeconds(5)).idempotent();
        Workload<String, String> workload = new Workload<>(LineCodec.create(), "hello over mutual TLS",
                "hello over mutual TLS"::equals);
        int poolMax = concurrency * 2;
        try (TetherClient<String, String> client = TetherClient.builder(workload.codec()).endpoint(endpoint)
                .connector(connector)
                // Room for twice the callers, so the summary shows connections replaced across the restart; the
                // retry, breaker and reconnect settings are the defaults every user gets.
                .pool(PoolSettings.builder().maxTotal(poolMax).maxPerEndpoint(poolMax).build())
                .defaultCallOptions(options)
                .name("tether-demo")
                .build()) {
            out.println("Calling it from " + concurrency + " callers for " + DurationConverter.format(duration)
                    + " through a pooled client (pool max " + poolMax + ", idempotent calls, retries on);"
                    + " the server restarts halfway.");
            out.flush();
            ProgressLine line = ProgressLine.forTerminal(err);
            Duration interval = duration.compareTo(Duration.ofSeconds(4)) >= 0 ? Duration.ofSeconds(1)
                    : duration.dividedBy(4);
            AtomicBoolean restarted = new AtomicBoolean();
            LoadRun run = new LoadGenerator<>(client, workload, concurrency, duration, 0, options)
                    .interval(interval)
                    .onProgress(p -> {
                        String text = String.format(Locale.ROOT,
                                "  %4.1fs  %s calls  %s/s  errors %s  retries %s  connections created %s",
                                p.elapsed().toNanos() / 1e9, count(p.successes() + p.errors()),
                                count(Math.round(p.callsPerSecond())), count(p.errors()),
                                count(sum(client, EndpointStats::retries)), count(sum(client, EndpointStats::created)));
                        if (line.enabled()) {
                            line.show(text);
                        } else {
                            out.println(text);
                            out.flush();
                        }
                        if (!restarted.get() && p.elapsed().compareTo(duration.dividedBy(2)) >= 0) {
                            restarted.set(true);
                            line.clear();
                            restart(server, out);
                        }
                    })
                    .run();
            line.clear();
            BenchReport report = new BenchReport(new BenchReport.Setup(endpoint.toString(), "line",
                    connector.tlsProtocol(), connector.cipherSuite(), concurrency,
                    workload.request().length(), poolMax, true), run, client.stats());
            return summarise(report, server, clientTls, restarted.get(), out);
        }
    }

    private static void restart(EchoServer server, PrintWriter out) {
        long begin = System.nanoTime();
        int open = server.openConnections();
        try {
            server.restart();
            out.printf(Locale.ROOT, "  >> restarted the server in %.1f ms: %d open connection(s) dropped, listening"
                    + " again on port %d%n", (System.nanoTime() - begin) / 1e6, open, server.port());
        } catch (java.io.IOException e) {
            out.println("  >> the server could not listen again on port " + server.port() + ": " + e.getMessage());
        }
        out.flush();
    }

    private int summarise(BenchReport report, EchoServer server, TlsConfig clientTls, boolean restarted,
                          PrintWriter out) {
        LoadRun run = report.run();
        out.println();
        out.println("Summary");
        report.printSummary(out);
        X509Certificate client = clientTls.certificateChain().get(0);
        out.printf("  %-14s %s%n", "client cert", client.getSubjectX500Principal().getName());
        out.printf("  %-14s %s%n", "TLS provider", clientTls.providerInUse());
        out.printf("  %-14s %s%n", "server", server.acceptedConnections() + " connections accepted"
                + (restarted ? ", restarted once" : ", not restarted (the run was too short)"));
        out.println();
        if (run.errors() == 0 && run.successes() > 0) {
            out.println("Every one of " + count(run.successes()) + " calls succeeded"
                    + (restarted ? ", across a server restart: " + count(report.retries())
                            + " retried attempt(s), " + count(report.connectionsCreated())
                            + " connection(s) opened in all." : "."));
            out.flush();
            return 0;
        }
        out.println(count(run.errors()) + " of " + count(run.requests()) + " calls failed: "
                + run.errorsByType().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")) + ".");
        out.flush();
        return 1;
    }

    /** Creates the PKI when none of its files exist; refuses to touch a partial one. */
    private boolean ensurePki(PrintWriter out, PrintWriter err) {
        List<String> missing = PKI_FILES.stream().filter(f -> !Files.exists(dir.resolve(f)))
                .collect(Collectors.toList());
        if (missing.isEmpty()) {
            out.println("Using the development PKI in " + dir + ".");
            return true;
        }
        if (missing.size() < PKI_FILES.size()) {
            err.println("tether demo: the development PKI in " + dir + " is incomplete (missing "
                    + String.join(", ", missing) + ")");
            err.println("Recreate it with: tether certs init -o " + dir + " --force");
            return false;
        }
        StringWriter initOut = new StringWriter();
        StringWriter initErr = new StringWriter();
        // Runs `tether certs init` from the certs command rather than through TetherCli, which lists this command
        // (that would make dev.tether.cli and dev.tether.cli.demo depend on each other). Named "tether certs" so
        // its messages read exactly as on the command line.
        CommandLine certs = CommandLines.configured(new CertsCommand()).setCommandName("tether certs");
        certs.setOut(new PrintWriter(initOut, true));
        certs.setErr(new PrintWriter(initErr, true));
        int code = certs.execute("init", "-o", dir.toString());
        if (code != 0) {
            err.print(initOut);
            err.print(initErr);
            err.println("tether demo: could not create the development PKI in " + dir + " (exit " + code + ")");
            return false;
        }
        out.println("Created a development PKI in " + dir + ": a CA, a server certificate for localhost and a"
                + " client certificate (development only; see 'tether certs init --help').");
        return true;
    }

    private static String expired(TlsConfig... configs) {
        Instant now = Instant.now();
        for (TlsConfig config : configs) {
            X509Certificate leaf = config.certificateChain().get(0);
            if (now.isAfter(leaf.getNotAfter().toInstant())) {
                return "the certificate " + leaf.getSubjectX500Principal().getName() + " expired on "
                        + leaf.getNotAfter().toInstant();
            }
        }
        return null;
    }

    private static long sum(TetherClient<?, ?> client, java.util.function.ToLongFunction<EndpointStats> f) {
        return client.stats().values().stream().mapToLong(f).sum();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
