package dev.tether.tls;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.TetherException;
import dev.tether.tls.internal.ClientRenegotiation;
import dev.tether.tls.internal.EngineConnection;
import java.util.Objects;

/**
 * The server side of TLS: runs a server handshake over a connection a server accepted (for example from
 * {@code ServerListener.accept()}). The config must hold key material; {@link TlsConfig#clientAuth()}
 * decides whether clients must present certificates.
 */
public final class TlsAcceptor {
    private final TlsMaterialSource source;

    public TlsAcceptor(TlsConfig config) {
        this(TlsMaterialSource.of(config));
    }

    /** An acceptor whose certificate may be reloaded while it runs. */
    public TlsAcceptor(TlsMaterialSource source) {
        this.source = Objects.requireNonNull(source, "source");
        if (!source.current().config().hasKeyMaterial()) {
            throw new TlsConfigException("a TLS server needs a certificate and private key; configure them with"
                    + " TlsConfig.Builder.keyMaterial or keyStore");
        }
    }

    /**
     * Handshakes as the server over {@code accepted}, within {@code deadline} and the handshake timeout. On
     * failure {@code accepted} is closed.
     */
    public TlsConnection accept(Connection accepted, Deadline deadline) throws TetherException {
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(deadline, "deadline");
        TlsMaterialSource.Snapshot snapshot = source.current();
        return EngineConnection.server(accepted, snapshot.config(), snapshot.config().material(),
                snapshot.generation(), deadline);
    }

    /** {@link #accept(Connection, Deadline)} within the handshake timeout. */
    public TlsConnection accept(Connection accepted) throws TetherException {
        return accept(accepted, Deadline.after(source.current().config().handshakeTimeout()));
    }

    /**
     * How many TLS 1.2 renegotiations started by clients the servers in this JVM refused (each closes its
     * connection); see the README's security section.
     */
    public static long refusedClientRenegotiations() {
        return ClientRenegotiation.refusedCount();
    }

    public long generation() {
        return source.generation();
    }
}
