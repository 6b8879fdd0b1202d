package dev.tether.cli.bench;

import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.tls.TlsSessionInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A finished benchmark: what was run, the {@link LoadRun} measurements and the client's pool counters, as a
 * summary table for people, JSON for tools and the data of the HTML report.
 */
public final class BenchReport {
    /** Percentiles listed in the summary and JSON. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    /** What was run; {@code pipelineDepth} 1 when calls do not share connections. */
    public record Setup(String target, String protocol, Optional<String> tlsProtocol, Optional<String> cipherSuite,
                        int concurrency, int payloadBytes, int poolMax, boolean idempotent, int pipelineDepth) {
        /** A run without pipelining. */
        public Setup(String target, String protocol, Optional<String> tlsProtocol, Optional<String> cipherSuite,
                     int concurrency, int payloadBytes, int poolMax, boolean idempotent) {
            this(target, protocol, tlsProtocol, cipherSuite, concurrency, payloadBytes, poolMax, idempotent, 1);
        }
    }

    private final Setup setup;
    private final LoadRun run;
    private final long retries;
    private final long connectionsCreated;
    private final long acquires;
    private final long reuses;
    private final long pipelineWrites;
    private final long pipelinedRequests;
    private final Map<DestroyReason, Long> destroyed = new EnumMap<>(DestroyReason.class);
    private final List<Outages.Outage> outages;
    private final Optional<TlsSessionInfo> session;

    public BenchReport(Setup setup, LoadRun run, Map<?, EndpointStats> stats) {
        this(setup, run, stats, List.of());
    }

    /** With the periods an endpoint was unreachable, which the summary lists instead of counting waits as errors. */
    public BenchReport(Setup setup, LoadRun run, Map<?, EndpointStats> stats, List<Outages.Outage> outages) {
        this.outages = List.copyOf(outages);
        this.setup = setup;
        this.run = run;
        long r = 0;
        long c = 0;
        long a = 0;
        long u = 0;
        long pw = 0;
        long pr = 0;
        TlsSessionInfo newest = null;
        for (EndpointStats s : stats.values()) {
            newest = s.tlsSession().orElse(newest);
            r += s.retries();
            c += s.created();
            a += s.acquires();
            u += s.reuses();
            pw += s.pipelineWrites();
            pr += s.pipelinedRequests();
            s.destroyedByReason().forEach((reason, n) -> destroyed.merge(reason, n, Long::sum));
        }
        retries = r;
        connectionsCreated = c;
        acquires = a;
        reuses = u;
        pipelineWrites = pw;
        pipelinedRequests = pr;
        session = Optional.ofNullable(newest);
    }

    /** What the newest TLS connection negotiated, from the client's stats; empty for plain TCP. */
    public Optional<TlsSessionInfo> session() {
        return session;
    }

    public Setup setup() {
        return setup;
    }

    public LoadRun run() {
        return run;
    }

    public long retries() {
        return retries;
    }

    public long connectionsCreated() {
        return connectionsCreated;
    }

    /** Acquires served by a connection that had been used before. */
    public long connectionsReused() {
        return reuses;
    }

    /** Connections closed during the run, by reason (reasons with none left out). */
    public Map<DestroyReason, Long> connectionsDestroyed() {
        Map<DestroyReason, Long> m = new EnumMap<>(DestroyReason.class);
        destroyed.forEach((k, v) -> {
            if (v > 0) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** The report as JSON-ready maps and lists. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", setup.target());
        m.put("protocol", setup.protocol());
        if (setup.tlsProtocol().isPresent()) {
            Map<String, Object> tls = new LinkedHashMap<>();
            tls.put("protocol", setup.tlsProtocol().get());
            tls.put("cipherSuite", setup.cipherSuite().orElse(null));
            session.ifPresent(s -> {
                tls.put("alpn", s.applicationProtocol().orElse(null));
                tls.put("resumed", s.resumed());
                tls.put("peerSubject", s.peerSubject().orElse(null));
                tls.put("peerChainLength", s.peerCertificates().size());
            });
            m.put("tls", tls);
        } else {
            m.put("tls", null);
        }
        m.put("concurrency", setup.concurrency());
        m.put("payloadBytes", setup.payloadBytes());
        m.put("poolMax", setup.poolMax());
        m.put("idempotent", setup.idempotent());
        m.put("pipelineDepth", setup.pipelineDepth());
        m.put("durationSeconds", run.elapsed().toNanos() / 1e9);
        m.put("requests", run.requests());
        m.put("successes", run.successes());
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("total", run.errors());
        errors.put("byType", new LinkedHashMap<>(run.errorsByType()));
        m.put("errors", errors);
        m.put("aborted", run.abortedBy() == null ? null : run.abortedBy().getMessage());
        m.put("retries", retries);
        Map<String, Object> connections = new LinkedHashMap<>();
        connections.put("created", connectionsCreated);
        connections.put("reused", reuses);
        connections.put("acquires", acquires);
        Map<String, Object> byReason = new LinkedHashMap<>();
        connectionsDestroyed().forEach((k, v) -> byReason.put(k.name().toLowerCase(Locale.ROOT), v));
        connections.put("destroyed", byReason);
        m.put("connections", connections);
        if (setup.pipelineDepth() > 1) {
            Map<String, Object> pipelining = new LinkedHashMap<>();
            pipelining.put("writes", pipelineWrites);
            pipelining.put("requests", pipelinedRequests);
            m.put("pipelining", pipelining);
        }
        m.put("throughputPerSecond", run.throughput());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", run.latencyMicros(50));
        latency.put("p90", run.latencyMicros(90));
        latency.put("p99", run.latencyMicros(99));
        latency.put("p99_9", run.latencyMicros(99.9));
        latency.put("max", run.maxLatencyMicros());
        latency.put("mean", run.latencyNanos().getTotalCount() == 0 ? 0.0 : run.latencyNanos().getMean() / 1000.0);
        latency.put("count", run.latencyNanos().getTotalCount());
        m.put("latencyMicros", latency);
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (LoadRun.Interval i : run.timeline()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("endSeconds", i.endSeconds());
            t.put("successes", i.successes());
            t.put("errors", i.errors());
            t.put("callsPerSecond", i.callsPerSecond());
            t.put("p99Micros", i.p99Micros());
            timeline.add(t);
        }
        m.put("timeline", timeline);
        List<Map<String, Object>> down = new ArrayList<>();
        for (Outages.Outage o : outages) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("endpoint", o.endpoint());
            d.put("fromSeconds", o.startSeconds());
            d.put("toSeconds", o.ended() ? o.endSeconds() : null);
            d.put("failedConnects", o.ended() ? o.failedConnects() : null);
            d.put("cause", o.cause());
            down.add(d);
        }
        m.put("unavailable", down);
        return m;
    }

    /** The summary table printed at the end of a run. */
    public void printSummary(PrintWriter out) {
        row(out, "duration", String.format(Locale.ROOT, "%.2f s", run.elapsed().toNanos() / 1e9));
        row(out, "requests", count(run.requests()));
        row(out, "successes", count(run.successes()));
        row(out, "errors", count(run.errors()));
        run.errorsByType().forEach((type, n) -> row(out, "", count(n) + " " + type + ": "
                + shorten(run.firstMessageByType().get(type))));
        for (Outages.Outage o : outages) {
            row(out, "unavailable", o.endpoint() + (o.ended()
                    ? String.format(Locale.ROOT, " from %.2fs to %.2fs (%.2fs, %d failed connects)", o.startSeconds(),
                            o.endSeconds(), o.endSeconds() - o.startSeconds(), o.failedConnects())
                    : String.format(Locale.ROOT, " from %.2fs until the end of the run", o.startSeconds()))
                    + (o.cause() == null ? "" : ": " + shorten(o.cause())));
        }
        row(out, "retries", count(retries));
        row(out, "throughput", count(Math.round(run.throughput())) + " calls/s");
        row(out, "connections", count(connectionsCreated) + " created, " + count(reuses) + " reused ("
                + percent(acquires == 0 ? 0 : (double) reuses / acquires) + " of " + count(acquires) + " acquires)");
        if (setup.pipelineDepth() > 1) {
            row(out, "pipelining", "up to " + setup.pipelineDepth() + " in flight per connection; "
                    + count(pipelinedRequests) + " requests in " + count(pipelineWrites) + " writes ("
                    + String.format(Locale.ROOT, "%.1f", pipelineWrites == 0 ? 0.0 : (double) pipelinedRequests / pipelineWrites)
                    + " per write)");
        }
        Map<DestroyReason, Long> closed = connectionsDestroyed();
        if (!closed.isEmpty()) {
            List<String> parts = new ArrayList<>();
            closed.forEach((k, v) -> parts.add(v + " " + k.name().toLowerCase(Locale.ROOT)));
            row(out, "closed", String.join(", ", parts));
        }
        if (setup.tlsProtocol().isPresent()) {
            row(out, "TLS", setup.tlsProtocol().get() + " " + setup.cipherSuite().orElse(""));
            session.ifPresent(s -> {
                row(out, "ALPN", s.applicationProtocol().orElse("none negotiated"));
                row(out, "resumed", s.resumed() ? "yes (newest connection resumed an earlier session)"
                        : "no (newest connection made a full handshake)");
                row(out, "server cert", s.peerSubject().orElse("none") + ", chain of "
                        + s.peerCertificates().size() + (s.peerCertificates().isEmpty() ? ""
                        : ", issued by " + s.peerCertificates().get(0).getIssuerX500Principal().getName()));
            });
        }
        row(out, "latency (µs)", String.format(Locale.ROOT, "p50 %s   p90 %s   p99 %s   p99.9 %s   max %s",
                micros(run.latencyMicros(50)), micros(run.latencyMicros(90)), micros(run.latencyMicros(99)),
                micros(run.latencyMicros(99.9)), micros(run.maxLatencyMicros())));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String micros(double us) {
        return us >= 100 ? String.format(Locale.ROOT, "%,.0f", us) : String.format(Locale.ROOT, "%.1f", us);
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    private static String shorten(String message) {
        if (message == null) {
            return "";
        }
        return message.length() > 160 ? cut(message, 160) + "..." : message;
    }

    /**
     * The first {@code length} chars of {@code s}, one fewer if that would split a surrogate pair: half a
     * character cannot be encoded, and writing the report would fail on it.
     */
    static String cut(String s, int length) {
        return s.substring(0, Character.isHighSurrogate(s.charAt(length - 1)) ? length - 1 : length);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("  %-14s %s%n", name, value);
    }
}
