package dev.tether.core;

/**
 * Opens connections to endpoints. The plain transport ({@link SocketConnector}) is one; TLS wraps another.
 * Pools hold a connector and never care which one.
 */
@FunctionalInterface
public interface Connector {

    /**
     * Connects to {@code endpoint}, finishing by {@code deadline} (which bounds everything the connector
     * does: resolving, connecting, handshaking).
     *
     * @throws ConnectFailedException when the endpoint cannot be reached
     * @throws TimedOutException when the deadline passes first
     */
    Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException;
}
