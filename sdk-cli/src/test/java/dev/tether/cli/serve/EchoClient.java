package dev.tether.cli.serve;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnector;
import java.time.Duration;

/** Opens client connections to an {@link EchoServer} in tests: plain, or TLS with a given client config. */
public final class EchoClient {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private EchoClient() {
    }

    public static Connection plain(Endpoint endpoint) throws TetherException {
        return SocketConnector.create().connect(endpoint, Deadline.after(TIMEOUT));
    }

    public static Connection tls(Endpoint endpoint, TlsConfig config) throws TetherException {
        return new TlsConnector(SocketConnector.create(), config).connect(endpoint, Deadline.after(TIMEOUT));
    }

    public static Deadline deadline() {
        return Deadline.after(TIMEOUT);
    }
}
