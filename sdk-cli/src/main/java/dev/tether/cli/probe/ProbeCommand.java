package dev.tether.cli.probe;

import dev.tether.cli.internal.DurationConverter;
import dev.tether.cli.internal.Json;
import dev.tether.cli.internal.UsageException;
import dev.tether.core.Endpoint;
import dev.tether.tls.TlsConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tether probe HOST:PORT}: connects with Tether's TLS client and says plainly what happened. On
 * success it shows the negotiated protocol, cipher, ALPN, resumption, timings and the verified chain; on
 * failure one sentence of what went wrong, one of what to do, and an exit code per kind of failure.
 */
@Command(name = "probe",
        mixinStandardHelpOptions = true,
        description = {
            "Diagnose a TLS endpoint: handshake as a Tether client would and report the outcome.",
            "",
            "Connects and handshakes as a Tether client would, then reports what was negotiated and the "
                + "certificate chain, or explains plainly why it failed and what to do. Hostname verification "
                + "is always on. Nothing is sent after the handshake.",
            ""},
        usageHelpAutoWidth = true,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:TLS handshake succeeded and the certificate was verified",
            " 2:usage error (bad option, unreadable --ca/--cert/--key file)",
            " 3:cannot connect (refused, unreachable, unknown host)",
            " 4:timed out (connecting or during the handshake)",
            " 5:certificate not trusted",
            " 6:hostname mismatch",
            " 7:certificate expired or not yet valid",
            " 8:the server requires or rejected a client certificate",
            " 9:no shared protocol version or cipher suite",
            "10:the peer does not speak TLS",
            "11:other handshake failure",
            "12:certificate revoked"})
public final class ProbeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The endpoint, e.g. example.com:443 or [::1]:8443.")
    String target;

    @Mixin
    dev.tether.cli.internal.TlsProviderOption tlsProvider;

    @Mixin
    TlsClientOptions tls;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time allowed to connect and to handshake (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--json", description = "Print the report as JSON (same exit codes).")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Also print the underlying error message.")
    boolean verbose;

    @Option(names = "--revocation", paramLabel = "off|soft|hard", defaultValue = "soft",
            converter = RevocationModes.class,
            description = "Check the server certificate's revocation (stapled OCSP, else OCSP or CRL from its URLs):"
                    + " soft passes an unknown status and reports it, hard fails on it (default: ${DEFAULT-VALUE}).")
    dev.tether.tls.RevocationMode revocation;

    @Option(names = "--allow-legacy-cbc",
            description = "Also offer TLS 1.2 CBC cipher suites (risky: padding-oracle attacks such as Lucky13).")
    boolean allowLegacyCbc;

    /** off, soft, hard (or the enum names) to a revocation mode. */
    static final class RevocationModes implements CommandLine.ITypeConverter<dev.tether.tls.RevocationMode> {
        @Override
        public dev.tether.tls.RevocationMode convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "off" -> dev.tether.tls.RevocationMode.OFF;
                case "soft", "soft_fail" -> dev.tether.tls.RevocationMode.SOFT_FAIL;
                case "hard", "hard_fail" -> dev.tether.tls.RevocationMode.HARD_FAIL;
                default -> throw new CommandLine.TypeConversionException("expected off, soft or hard: " + value);
            };
        }
    }

    @Override
    public Integer call() {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new UsageException("--timeout must be positive: " + timeout);
        }
        Endpoint endpoint;
        try {
            endpoint = tls.apply(Endpoint.parse(target));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (endpoint.isUnix()) {
            throw new UsageException("probe needs HOST:PORT, not a unix socket: " + target);
        }
        TlsConfig.Builder builder = tlsProvider.apply(tls.config(timeout).toBuilder().revocation(revocation));
        TlsConfig config = (allowLegacyCbc ? builder.allowLegacyCbcCipherSuites() : builder).build();
        ProbeReport report = new Prober(endpoint, config, timeout, tls.caFile() != null).run();
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        if (json) {
            out.println(Json.write(toJson(report, now)));
        } else if (report.failure == null) {
            printSuccess(out, report, now);
        } else {
            printFailure(out, report, now);
        }
        out.flush();
        return report.outcome().exitCode();
    }

    private static void printSuccess(PrintWriter out, ProbeReport r, Instant now) {
        out.println("tether probe " + r.endpoint + ": OK");
        row(out, "connected to", address(r) + " (TCP connect " + millis(r.tcpConnect) + ")");
        row(out, "handshake", millis(r.handshake) + ", " + (r.resumed ? "resumed" : "full (not resumed)")
                + "; the first in this process, so it includes the JVM's TLS warm-up");
        row(out, "2nd handshake", resumption(r));
        row(out, "protocol", r.protocol);
        row(out, "cipher suite", r.cipherSuite);
        row(out, "ALPN", r.alpn.orElse("none negotiated"));
        row(out, "server name", r.serverName + (Boolean.TRUE.equals(r.nameMatched)
                ? ": matches the certificate" : ": verified"));
        row(out, "trusted by", r.trust);
        row(out, "client cert", r.clientCertificateSent == null ? "none sent" : "sent \"" + r.clientCertificateSent + "\"");
        row(out, "stapled OCSP", r.stapled);
        row(out, "revocation", revocation(r));
        if (r.afterHandshake != null) {
            row(out, "note", r.afterHandshake);
        }
        out.println("certificate chain (" + r.chain.size() + ", leaf first, as sent by the server):");
        ChainView.print(out, r.chain, now);
    }

    private void printFailure(PrintWriter out, ProbeReport r, Instant now) {
        Diagnosis d = r.failure;
        out.println("tether probe " + r.endpoint + ": FAILED, " + d.outcome().label() + " (exit "
                + d.outcome().exitCode() + ")");
        out.println("  problem: " + d.problem());
        out.println("  fix:     " + d.action());
        if (verbose) {
            out.println("  detail:  " + d.detail());
        }
        if (!r.chain.isEmpty()) {
            out.println("certificate chain the server presented (" + r.chain.size() + ", leaf first; name '"
                    + r.serverName + "' " + (Boolean.TRUE.equals(r.nameMatched) ? "matches" : "does not match")
                    + " the leaf):");
            ChainView.print(out, r.chain, now);
        }
    }

    private static Map<String, Object> toJson(ProbeReport r, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", r.endpoint.toString());
        m.put("serverName", r.serverName);
        m.put("ok", r.failure == null);
        m.put("exitCode", r.outcome().exitCode());
        m.put("outcome", r.outcome().key());
        if (r.failure != null) {
            m.put("problem", r.failure.problem());
            m.put("action", r.failure.action());
            m.put("detail", r.failure.detail());
        } else {
            m.put("connectedTo", address(r));
            m.put("tcpConnectMillis", r.tcpConnect.toNanos() / 1e6);
            m.put("handshakeMillis", r.handshake.toNanos() / 1e6);
            m.put("protocol", r.protocol);
            m.put("cipherSuite", r.cipherSuite);
            m.put("alpn", r.alpn.orElse(null));
            m.put("resumed", r.resumed);
            m.put("secondConnectionResumed", r.secondResumed);
            m.put("secondConnectionMillis", r.secondConnect == null ? null : r.secondConnect.toNanos() / 1e6);
            m.put("clientCertificate", r.clientCertificateSent);
            m.put("trust", r.trust);
            m.put("note", r.afterHandshake);
            m.put("stapledOcsp", r.stapled);
            m.put("revocationMode", r.revocationMode.name());
            m.put("revocation", r.revocation == null ? null : r.revocation.state().name().toLowerCase(Locale.ROOT));
            m.put("revocationSource", r.revocation == null ? null : r.revocation.source().name().toLowerCase(Locale.ROOT));
            m.put("revocationDetail", r.revocation == null ? null : r.revocation.detail());
        }
        m.put("nameMatched", r.nameMatched);
        m.put("chain", ChainView.json(r.chain, now));
        return m;
    }

    private static String revocation(ProbeReport r) {
        if (r.revocation == null) {
            return r.revocationMode == dev.tether.tls.RevocationMode.OFF ? "not checked (--revocation off)"
                    : "not checked (the session was resumed)";
        }
        String source = switch (r.revocation.source()) {
            case STAPLED_OCSP -> "stapled OCSP";
            case OCSP -> "OCSP responder";
            case CRL -> "CRL";
            case NONE -> "no answer";
        };
        return r.revocation.state().name().toLowerCase(Locale.ROOT) + " (" + source + ", "
                + (r.revocationMode == dev.tether.tls.RevocationMode.HARD_FAIL ? "hard" : "soft") + "-fail): "
                + r.revocation.detail();
    }

    private static String resumption(ProbeReport r) {
        if (r.secondResumed == null) {
            return "a second connection could not be made to check resumption";
        }
        return millis(r.secondConnect) + " connect and handshake, "
                + (r.secondResumed ? "resumed the session" : "did not resume the session (full handshake)");
    }

    private static String address(ProbeReport r) {
        String s = String.valueOf(r.remoteAddress);
        int slash = s.indexOf('/');
        return slash >= 0 ? s.substring(slash + 1) : s;
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("  %-13s %s%n", name, value);
    }
}
