package dev.tether.core.testing;

import dev.tether.core.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server that writes back every byte it receives, on any number of connections, each served
 * by its own thread. When a client shuts down its output the server finishes echoing and closes its side.
 */
public final class EchoServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Endpoint endpoint;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private EchoServer(ServerSocketChannel server, Endpoint endpoint) {
        this.server = server;
        this.endpoint = endpoint;
        this.acceptor = new Thread(this::acceptLoop, "echo-server-" + endpoint);
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** Starts on an ephemeral loopback port. */
    public static EchoServer start() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            return new EchoServer(server, Endpoint.of(InetAddress.getLoopbackAddress().getHostAddress(), port));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Connections accepted so far. */
    public int connectionsAccepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(EchoServer::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                // Closing the server ends accept(); anything else also ends this test server.
                return;
            }
            accepted.incrementAndGet();
            open.add(ch);
            Thread t = new Thread(() -> echo(ch), "echo-" + endpoint + "-" + accepted.get());
            t.setDaemon(true);
            t.start();
        }
    }

    private void echo(SocketChannel ch) {
        try (ch) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            while (ch.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // The client went away (reset, or the server closing): nothing left to echo to.
        } finally {
            open.remove(ch);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Test teardown: the socket is released either way.
        }
    }
}
