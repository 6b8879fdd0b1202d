package dev.tether.it.support;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.TransportOptions;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connector a {@code TetherClient} builds for TLS ({@link TlsConnector} over {@link SocketConnector}),
 * wrapped to count connect attempts and remember what each handshake negotiated. Passed to
 * {@code TetherClient.Builder.connector}, it lets a scenario see per-connection TLS facts the client does not
 * expose, and prove how many times the client tried to connect.
 */
public final class RecordingConnector implements Connector {

    /**
     * What one successful handshake agreed on.
     *
     * @param protocol    the TLS version, such as {@code TLSv1.2}
     * @param cipherSuite the cipher suite's standard name
     */
    public record Negotiated(String protocol, String cipherSuite) {
    }

    private final TlsConnector delegate;
    private final AtomicInteger attempts = new AtomicInteger();
    private final Queue<Negotiated> negotiated = new ConcurrentLinkedQueue<>();

    /** Records connections made with {@code config} and the default transport options. */
    public RecordingConnector(TlsConfig config) {
        this.delegate = new TlsConnector(SocketConnector.of(TransportOptions.defaults()), config);
    }

    @Override
    public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
        attempts.incrementAndGet();
        TlsConnection connection = delegate.connect(endpoint, deadline);
        negotiated.add(new Negotiated(connection.protocol(), connection.cipherSuite()));
        return connection;
    }

    @Override
    public long generation() {
        return delegate.generation();
    }

    /** Connect attempts so far, failed ones included. */
    public int attempts() {
        return attempts.get();
    }

    /** The parameters of every handshake that succeeded, in order. */
    public List<Negotiated> negotiated() {
        return List.copyOf(negotiated);
    }
}
