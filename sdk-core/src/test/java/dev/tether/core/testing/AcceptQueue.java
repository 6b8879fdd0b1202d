package dev.tether.core.testing;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A black hole on loopback: a listener that never accepts, whose accept queue is filled until the kernel drops
 * further SYNs, so connects to it hang as they do to an unroutable address, without leaving the machine.
 */
public final class AcceptQueue {
    private AcceptQueue() {
    }

    /**
     * Connects to {@code endpoint} (a listener that never accepts) until a connect times out, which means its accept
     * queue is full. The caller closes the returned connections when done.
     */
    public static List<Connection> fill(Endpoint endpoint) {
        SocketConnector connector = SocketConnector.create();
        List<Connection> queued = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            try {
                queued.add(connector.connect(endpoint, Deadline.after(Duration.ofMillis(300))));
            } catch (TimedOutException full) {
                return queued;
            } catch (TetherException e) {
                queued.forEach(Connection::close);
                throw new AssertionError("could not fill the accept queue of " + endpoint, e);
            }
        }
        queued.forEach(Connection::close);
        throw new AssertionError("the accept queue of " + endpoint + " never filled up");
    }
}
