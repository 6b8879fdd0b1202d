package dev.tether.core.testing;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.ServerListener;
import dev.tether.core.TetherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback server that answers every request line with a reply that never ends: one byte ({@code 'x'}, never
 * a newline) every {@code interval}, until the client goes away. For tests of what a client reports when its
 * deadline passes in the middle of a reply that is still arriving. One platform thread per connection.
 *
 * <p>{@link Upgrade} turns each accepted connection into another layer (a TLS server handshake, say) before it
 * is used, so the same trickle serves plain and TLS tests.
 */
public final class TrickleServer implements AutoCloseable {
    /** What the server does with each accepted plain connection before reading the request. */
    @FunctionalInterface
    public interface Upgrade {
        Connection apply(Connection accepted) throws TetherException;
    }

    private final ServerListener listener;
    private final Upgrade upgrade;
    private final long intervalNanos;
    private final Thread acceptThread;
    private final AtomicInteger trickling = new AtomicInteger();
    private volatile boolean closing;

    private TrickleServer(Upgrade upgrade, Duration interval) throws IOException {
        this.listener = ServerListener.loopback();
        this.upgrade = upgrade;
        this.intervalNanos = interval.toNanos();
        this.acceptThread = new Thread(this::acceptLoop, "trickle-accept");
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** A plain server sending one byte per {@code interval}. */
    public static TrickleServer start(Duration interval) {
        return start(c -> c, interval);
    }

    /** A server that upgrades each connection (for example to TLS), then sends one byte per {@code interval}. */
    public static TrickleServer start(Upgrade upgrade, Duration interval) {
        try {
            return new TrickleServer(upgrade, interval);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Endpoint endpoint() {
        return listener.endpoint();
    }

    /** Connections currently being trickled to. */
    public int trickling() {
        return trickling.get();
    }

    private void acceptLoop() {
        while (!closing) {
            Connection plain;
            try {
                plain = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(plain), "trickle-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Connection plain) {
        trickling.incrementAndGet();
        Connection c = plain;
        try {
            c = upgrade.apply(plain);
            awaitRequestLine(c);
            ByteBuffer one = ByteBuffer.allocate(1);
            while (!closing) {
                one.clear();
                one.put(0, (byte) 'x');
                c.write(one, Deadline.after(Duration.ofSeconds(5)));
                // Pacing, not synchronisation: the reply is meant to arrive slowly.
                LockSupport.parkNanos(intervalNanos);
            }
        } catch (TetherException e) {
            // The client gave up on the reply and closed: that is how every trickle ends.
        } finally {
            c.close();
            plain.close();
            trickling.decrementAndGet();
        }
    }

    private static void awaitRequestLine(Connection c) throws TetherException {
        ByteBuffer in = ByteBuffer.allocate(256);
        Deadline deadline = Deadline.after(Duration.ofSeconds(10));
        while (true) {
            int from = in.position();
            if (c.read(in, deadline) < 0) {
                throw new ConnectionClosedException(ConnectionClosedException.Reason.EOF, c.endpoint(),
                        RequestState.NOT_SENT, "client left before its request", null);
            }
            for (int i = from; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return;
                }
            }
            if (!in.hasRemaining()) {
                in.clear();
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
