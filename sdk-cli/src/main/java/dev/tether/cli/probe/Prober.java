package dev.tether.cli.probe;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.TransportOptions;
import dev.tether.tls.CertificateValidityException;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.NoCommonProtocolException;
import dev.tether.tls.ServerIdentity;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.UntrustedCertificateException;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Runs one probe: connects with Tether's own TLS client exactly as an application would, waits briefly after
 * the handshake (a TLS 1.3 server judges the client certificate only then, and sends session tickets), tries
 * a second connection to see whether the session resumes, and on a certificate failure fetches the chain for
 * display with {@link InsecureChainCapture}.
 */
final class Prober {
    /** The least time to wait after the handshake for the server's verdict on a client certificate. */
    private static final Duration MIN_SETTLE = Duration.ofMillis(250);

    private final Endpoint endpoint;
    private final TlsConfig config;
    private final Duration timeout;
    private final Diagnosis.Attempt attempt;

    Prober(Endpoint endpoint, TlsConfig config, Duration timeout, boolean customTrust) {
        this.endpoint = endpoint;
        this.config = config;
        this.timeout = timeout;
        this.attempt = new Diagnosis.Attempt(endpoint, serverName(endpoint), config.trustDescription(), customTrust,
                config.protocols(), config.hasKeyMaterial(), timeout);
    }

    static String serverName(Endpoint endpoint) {
        return endpoint.tlsName().orElse(endpoint.toString());
    }

    ProbeReport run() {
        ProbeReport report = new ProbeReport(endpoint, attempt.name(), config.trustDescription());
        report.revocationMode = config.revocation();
        TimedTransport transport = new TimedTransport(SocketConnector.of(
                TransportOptions.builder().connectTimeout(timeout).build()));
        TlsConnector connector = new TlsConnector(transport, config);
        Deadline deadline = Deadline.after(timeout);
        long start = System.nanoTime();
        TlsConnection connection;
        try {
            connection = connector.connect(endpoint, deadline);
        } catch (TetherException e) {
            return failed(report, e);
        }
        long total = System.nanoTime() - start;
        report.tcpConnect = Duration.ofNanos(transport.lastConnectNanos);
        report.handshake = Duration.ofNanos(Math.max(0, total - transport.lastConnectNanos));
        try (connection) {
            report.remoteAddress = connection.remoteAddress();
            report.protocol = connection.protocol();
            report.cipherSuite = connection.cipherSuite();
            report.alpn = connection.applicationProtocol();
            report.resumed = connection.isResumed();
            report.chain = connection.peerCertificates();
            report.revocation = connection.revocationStatus().orElse(null);
            report.stapled = stapled(connection);
            report.nameMatched = report.chain.isEmpty() ? null
                    : ServerIdentity.matches(report.serverName, report.chain.get(0));
            Certificate[] local = connection.session().getLocalCertificates();
            if (local != null && local.length > 0 && local[0] instanceof X509Certificate leaf) {
                report.clientCertificateSent = leaf.getSubjectX500Principal().getName();
            }
            TetherException late = settle(connection, report, deadline);
            if (late != null) {
                return failed(report, late);
            }
        }
        report.secondResumed = secondConnectionResumed(connector, report);
        return report;
    }

    /**
     * Reads briefly after the handshake: a TLS 1.3 server rejects a client certificate only after the client
     * finished, and sends its session tickets then. Returns a failure that belongs in the report, or null.
     */
    private TetherException settle(TlsConnection connection, ProbeReport report, Deadline deadline) {
        Duration wait = report.handshake.multipliedBy(2);
        if (wait.compareTo(MIN_SETTLE) < 0) {
            wait = MIN_SETTLE;
        }
        if (deadline.isExpired()) {
            return null;
        }
        Deadline settle = Deadline.after(wait).min(deadline);
        ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
        try {
            int n = connection.read(sink, settle);
            report.afterHandshake = n < 0 ? "the server closed the connection right after the handshake"
                    : "the server spoke first (" + n + " bytes)";
            return null;
        } catch (TimedOutException quiet) {
            return null;
        } catch (ConnectionClosedException closed) {
            report.afterHandshake = "the server closed the connection right after the handshake, without close_notify";
            return null;
        } catch (TetherException e) {
            return e;
        }
    }

    private static String stapled(TlsConnection connection) {
        if (connection.session() instanceof javax.net.ssl.ExtendedSSLSession s) {
            int n = s.getStatusResponses().size();
            return n == 0 ? "none (the server stapled no OCSP response)" : n + " response" + (n == 1 ? "" : "s")
                    + " stapled";
        }
        return "unknown";
    }

    /**
     * After "no cipher suite in common" with Tether's AEAD-only defaults: whether the server speaks only the
     * legacy CBC suites, found by one more handshake that offers them. Returns the negotiated suite, or null.
     */
    private String cbcOnlySuite() {
        if (!config.cipherSuites().isEmpty() || config.legacyCbcCipherSuitesAllowed()) {
            return null;
        }
        TlsConfig legacy = config.toBuilder().allowLegacyCbcCipherSuites().build();
        try (TlsConnection c = new TlsConnector(SocketConnector.of(TransportOptions.builder().connectTimeout(timeout)
                .build()), legacy).connect(endpoint, Deadline.after(timeout))) {
            return c.cipherSuite();
        } catch (TetherException e) {
            return null;
        }
    }

    /** Whether a new connection with the same client resumes the session; null when it could not be tried. */
    private Boolean secondConnectionResumed(TlsConnector connector, ProbeReport report) {
        long start = System.nanoTime();
        try (TlsConnection again = connector.connect(endpoint, Deadline.after(timeout))) {
            report.secondConnect = Duration.ofNanos(System.nanoTime() - start);
            return again.isResumed();
        } catch (TetherException e) {
            return null;
        }
    }

    private ProbeReport failed(ProbeReport report, TetherException e) {
        report.failure = Diagnosis.of(e, attempt);
        String cbc = e instanceof NoCommonProtocolException ? cbcOnlySuite() : null;
        if (cbc != null) {
            report.failure = new Diagnosis(ProbeOutcome.NO_COMMON_PROTOCOL,
                    "The server offers only legacy CBC cipher suites (it chose " + cbc + " when they were offered);"
                            + " Tether offers only AEAD suites (AES-GCM, ChaCha20-Poly1305) by default.",
                    "Enable AES-GCM or ChaCha20-Poly1305 suites on the server; or, accepting the risk of"
                            + " padding-oracle attacks such as Lucky13, pass --allow-legacy-cbc"
                            + " (TlsConfig.Builder.allowLegacyCbcCipherSuites() in code).", report.failure.detail());
        }
        List<X509Certificate> chain = List.of();
        if (e instanceof UntrustedCertificateException u) {
            chain = u.chain();
        }
        if (chain.isEmpty() && (e instanceof UntrustedCertificateException || e instanceof HostnameMismatchException
                || e instanceof CertificateValidityException)) {
            chain = InsecureChainCapture.fetch(endpoint, report.serverName, config.protocols(),
                    Deadline.after(timeout));
        }
        report.chain = chain;
        report.nameMatched = chain.isEmpty() ? null : ServerIdentity.matches(report.serverName, chain.get(0));
        return report;
    }

    /** The plain transport, remembering how long the TCP connect took. */
    private static final class TimedTransport implements Connector {
        private final SocketConnector delegate;
        volatile long lastConnectNanos;

        TimedTransport(SocketConnector delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
            long start = System.nanoTime();
            Connection connection = delegate.connect(endpoint, deadline);
            lastConnectNanos = System.nanoTime() - start;
            return connection;
        }
    }
}
