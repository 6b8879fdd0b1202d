package dev.tether.cli.bench;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.tls.TlsConnection;
import java.util.Objects;
import java.util.Optional;

/**
 * Wraps a client's connector to note the TLS protocol and cipher suite its connections negotiated, for the
 * benchmark and demo summaries. Records the most recent connection's parameters; adds no work per call.
 */
public final class RecordingConnector implements Connector {
    private final Connector delegate;
    private volatile String protocol;
    private volatile String cipherSuite;

    public RecordingConnector(Connector delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
        Connection connection = delegate.connect(endpoint, deadline);
        if (connection instanceof TlsConnection tls) {
            protocol = tls.protocol();
            cipherSuite = tls.cipherSuite();
        }
        return connection;
    }

    @Override
    public long generation() {
        return delegate.generation();
    }

    /** The TLS version of the latest connection, if any was TLS. */
    public Optional<String> tlsProtocol() {
        return Optional.ofNullable(protocol);
    }

    /** The cipher suite of the latest connection, if any was TLS. */
    public Optional<String> cipherSuite() {
        return Optional.ofNullable(cipherSuite);
    }
}
