package dev.tether.pool.internal;

import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.core.TransportOptions;

/** The one place that turns client settings into a {@link Connector}: plain sockets, with TLS over them when configured. */
public final class Connectors {
    private Connectors() {
    }

    /** A plain TCP/Unix connector with {@code transport}'s socket options. */
    public static Connector build(TransportOptions transport) {
        return SocketConnector.of(transport);
    }
}
