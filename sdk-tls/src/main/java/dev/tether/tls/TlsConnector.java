package dev.tether.tls;

import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.tls.internal.ResumptionFallback;
import java.util.Objects;

/**
 * Opens TLS connections: connects with a plain {@link Connector} (usually {@code SocketConnector}), then runs
 * the TLS handshake within the same deadline, further bounded by {@link TlsConfig#handshakeTimeout()}. The
 * server name sent as SNI and verified against the certificate is {@link Endpoint#tlsName()} (no SNI is sent
 * for IP addresses).
 *
 * <p>A server that aborts a handshake offering session resumption (OpenSSL-based servers that verify client
 * certificates without a session-id context do) gets one full handshake on a new connection instead of a failed
 * connect, and is remembered so later connections to it skip the failed attempt.
 *
 * <p>With a {@link ReloadingTlsConfig} as the source, each new connection uses the newest material, and
 * {@link #generation()} tells a pool which connections were made with older material.
 */
public final class TlsConnector implements Connector {
    private final Connector transport;
    private final TlsMaterialSource source;

    /** A connector with fixed TLS settings. */
    public TlsConnector(Connector transport, TlsConfig config) {
        this(transport, TlsMaterialSource.of(config));
    }

    /** A connector whose TLS material may change, for example a {@link ReloadingTlsConfig}. */
    public TlsConnector(Connector transport, TlsMaterialSource source) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Connects and handshakes.
     *
     * @throws TlsHandshakeException (or a subclass) when the handshake fails; never retryable
     * @throws HandshakeTimeoutException when the handshake does not finish in time
     */
    @Override
    public TlsConnection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(deadline, "deadline");
        TlsMaterialSource.Snapshot snapshot = source.current();
        return ResumptionFallback.connect(transport, endpoint, snapshot.config(), snapshot.config().material(),
                snapshot.generation(), deadline);
    }

    /** The generation new connections get. */
    @Override
    public long generation() {
        return source.generation();
    }

    /** The material source. */
    public TlsMaterialSource source() {
        return source;
    }

    @Override
    public String toString() {
        return "TlsConnector[" + transport + ", generation " + generation() + "]";
    }
}
