package dev.tether.cli.bench;

import dev.tether.cli.internal.DurationConverter;
import dev.tether.cli.internal.Json;
import dev.tether.cli.internal.UsageException;
import dev.tether.cli.probe.TlsClientOptions;
import dev.tether.core.Connector;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TransportOptions;
import dev.tether.pool.CallOptions;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.EndpointUnavailableException;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsHandshakeException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tether bench HOST:PORT}: a load generator over {@link TetherClient}, so that what it measures is
 * what an application using Tether gets: pooling, retries, TLS and all. Every reply is checked to be the
 * echo of its request.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Load-test an echo endpoint through Tether's pooled client and report throughput and latency.",
            "",
            "Concurrent callers send a payload and check that it comes back. Reports throughput, errors by "
                + "type, retries, connection reuse, what TLS negotiated (protocol, cipher suite, ALPN, "
                + "resumption, server certificate) and latency percentiles (HdrHistogram); --json and --report "
                + "write them to files. Try it against 'tether serve' (raw echo works with every --protocol) or "
                + "a Redis with --protocol resp.",
            ""},
        usageHelpAutoWidth = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every call succeeded",
            "1:some calls failed (see errors by type), or the run was stopped by a TLS failure",
            "2:usage error"})
public final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The echo endpoint.")
    String target;

    @Option(names = "--protocol", paramLabel = "line|length|resp", defaultValue = "line",
            description = "Request protocol (default: ${DEFAULT-VALUE}).")
    BenchProtocol protocol;

    @Option(names = "--tls", description = "Use TLS (implied by any of the TLS options below).")
    boolean tlsOn;

    @Mixin
    TlsClientOptions tls;

    @Mixin
    dev.tether.cli.internal.TlsProviderOption tlsProvider;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "8",
            description = "Concurrent callers (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @ArgGroup(exclusive = true)
    Amount amount;

    /** Either how long or how many. */
    static final class Amount {
        @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long to run (default: 10s).")
        Duration duration;

        @Option(names = {"-n", "--requests"}, paramLabel = "N", description = "How many calls to make in all.")
        Long requests;
    }

    @Option(names = "--payload", paramLabel = "BYTES", defaultValue = "64",
            description = "Payload size in bytes (default: ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--pool-max", paramLabel = "N",
            description = "Most connections the pool may open (default: the concurrency).")
    Integer poolMax;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "1",
            description = "Requests in flight per connection (default: ${DEFAULT-VALUE}: each call has a connection "
                    + "to itself). Above 1, callers share connections, up to N requests each, and requests queued "
                    + "together go out in one write (pipelining).")
    int pipeline;

    @Option(names = "--idempotent", description = "Mark calls idempotent, so they are retried even after the "
            + "request may have reached the server.")
    boolean idempotent;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "Deadline of each call, retries included (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON to FILE.")
    Path json;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Write a self-contained HTML report with latency and throughput charts to FILE.")
    Path report;

    @Override
    public Integer call() throws Exception {
        Duration duration = amount == null || amount.requests == null
                ? (amount == null || amount.duration == null ? Duration.ofSeconds(10) : amount.duration) : null;
        long requests = amount != null && amount.requests != null ? amount.requests : 0;
        validate(duration, requests);
        Endpoint endpoint;
        try {
            endpoint = Endpoint.parse(target);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        boolean useTls = tlsOn || tls.anyGiven();
        TlsConfig tlsConfig = useTls ? tlsProvider.apply(tls.config(timeout.compareTo(Duration.ofSeconds(10)) < 0
                ? timeout : Duration.ofSeconds(10))) : null;
        if (useTls) {
            endpoint = tls.apply(endpoint);
        }
        Workload<?, ?> workload;
        try {
            workload = Workload.echo(protocol, payload);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return run(endpoint, tlsConfig, workload, duration, requests);
    }

    private void validate(Duration duration, long requests) {
        if (concurrency < 1) {
            throw new UsageException("--concurrency must be positive: " + concurrency);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new UsageException("--duration must be positive: " + duration);
        }
        if (duration == null && requests < 1) {
            throw new UsageException("--requests must be positive: " + requests);
        }
        if (payload < 1) {
            throw new UsageException("--payload must be at least 1 byte: " + payload);
        }
        if (poolMax != null && poolMax < 1) {
            throw new UsageException("--pool-max must be positive: " + poolMax);
        }
        if (pipeline < 1 || pipeline > 1024) {
            throw new UsageException("--pipeline must be within 1..1024: " + pipeline);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new UsageException("--timeout must be positive: " + timeout);
        }
    }

    private <Req, Resp> int run(Endpoint endpoint, TlsConfig tlsConfig, Workload<Req, Resp> workload,
                                Duration duration, long requests) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int pool = poolMax != null ? poolMax : concurrency;
        TransportOptions transport = TransportOptions.builder().connectTimeout(timeout).build();
        Connector plain = SocketConnector.of(transport);
        RecordingConnector connector = new RecordingConnector(tlsConfig == null ? plain
                : new TlsConnector(plain, tlsConfig));
        CallOptions options = CallOptions.timeout(timeout).idempotent(idempotent);
        out.println("tether bench " + endpoint + ": " + protocol.name().toLowerCase(Locale.ROOT) + ", "
                + (tlsConfig == null ? "plain TCP" : "TLS (" + tlsConfig.providerInUse() + ")") + ", " + concurrency + " callers, " + payload
                + "-byte payload, pool max " + pool + (pipeline > 1 ? ", pipeline " + pipeline : "") + ", "
                + (idempotent ? "idempotent" : "not idempotent") + ", "
                + (duration != null ? "for " + DurationConverter.format(duration) : requests + " requests"));
        out.flush();
        ProgressLine progress = ProgressLine.forTerminal(err);
        LoadRun result;
        BenchReport benchReport;
        Outages outages = new Outages();
        try (TetherClient<Req, Resp> client = TetherClient.builder(workload.codec()).endpoint(endpoint)
                .connector(connector)
                .listener(outages)
                .pool(PoolSettings.builder().maxTotal(pool).maxPerEndpoint(pool).pipelineDepth(pipeline).build())
                .defaultCallOptions(options)
                .name("tether-bench")
                .build()) {
            result = new LoadGenerator<>(client, workload, concurrency, duration, requests, options)
                    // A TLS failure, or an endpoint never reached at all (a wrong port), fails every call alike.
                    .abortOn(e -> e instanceof TlsHandshakeException
                            || e instanceof EndpointUnavailableException && neverConnected(client))
                    .onProgress(progress::show)
                    .run();
            progress.clear();
            benchReport = new BenchReport(new BenchReport.Setup(endpoint.toString(),
                    protocol.name().toLowerCase(Locale.ROOT), connector.tlsProtocol(), connector.cipherSuite(),
                    concurrency, payload, pool, idempotent, pipeline), result, client.stats(), outages.all());
        }
        benchReport.printSummary(out);
        if (result.abortedBy() != null) {
            err.println("tether bench: stopped early, every call would fail the same way: "
                    + result.abortedBy().getMessage());
            err.println("Run 'tether probe " + target + "' with the same TLS options for a diagnosis.");
        }
        if (json != null) {
            Files.writeString(json, Json.write(benchReport.toJson()) + "\n", StandardCharsets.UTF_8);
            out.println("wrote " + json);
        }
        if (report != null) {
            Files.writeString(report, HtmlReport.render(benchReport), StandardCharsets.UTF_8);
            out.println("wrote " + report);
        }
        out.flush();
        err.flush();
        return result.errors() == 0 && result.successes() > 0 ? 0 : 1;
    }

    private static boolean neverConnected(TetherClient<?, ?> client) {
        return client.stats().values().stream().mapToLong(EndpointStats::created).sum() == 0;
    }
}
