package dev.tether.core;

/**
 * Opens connections to endpoints. The plain transport ({@link SocketConnector}) is one; TLS wraps another.
 * Pools hold a connector and never care which one.
 */
public interface Connector {

    /**
     * Connects to {@code endpoint}, finishing by {@code deadline} (which bounds everything the connector
     * does: resolving, connecting, handshaking).
     *
     * @throws ConnectFailedException when the endpoint cannot be reached
     * @throws TimedOutException when the deadline passes first
     */
    Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException;

    /**
     * The generation of security material new connections get; it rises when reloaded keys or trust take
     * effect. Plain connectors stay at 0.
     */
    default long generation() {
        return 0;
    }
}
