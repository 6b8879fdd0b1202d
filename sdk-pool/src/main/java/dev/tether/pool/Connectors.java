package dev.tether.pool;

import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.core.TransportOptions;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsMaterialSource;

/** The one place that turns client settings into a {@link Connector}: plain sockets, with TLS over them when configured. */
final class Connectors {
    private Connectors() {
    }

    /** A plain TCP/Unix connector with {@code transport}'s socket options, wrapped in TLS when {@code tls} is given. */
    public static Connector build(TransportOptions transport, TlsMaterialSource tls) {
        Connector plain = SocketConnector.of(transport);
        return tls == null ? plain : new TlsConnector(plain, tls);
    }
}
