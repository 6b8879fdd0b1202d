package dev.tether.tls.testing;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.TetherException;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsMaterialSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM TLS echo server built from Tether's own server side ({@link ServerListener} +
 * {@link TlsAcceptor}): every accepted connection is handshaken and echoes what it reads until the client
 * closes, then closes with close_notify. Handshake results (the connections, or the failures) are recorded
 * for assertions. One platform thread per connection; for tests and benchmarks.
 */
public final class TlsEchoServer implements AutoCloseable {
    private final ServerListener listener;
    private final TlsAcceptor acceptor;
    private final Thread acceptThread;
    private final List<TlsConnection> connections = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Object> handshakes = new LinkedBlockingQueue<>();
    private final AtomicInteger echoing = new AtomicInteger();
    private volatile boolean closing;

    private TlsEchoServer(TlsMaterialSource source) throws IOException {
        this.acceptor = new TlsAcceptor(source);
        this.listener = ServerListener.loopback();
        this.acceptThread = new Thread(this::acceptLoop, "tls-echo-accept");
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    public static TlsEchoServer start(TlsConfig config) {
        return start(TlsMaterialSource.of(config));
    }

    public static TlsEchoServer start(TlsMaterialSource source) {
        try {
            return new TlsEchoServer(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:port}. */
    public Endpoint endpoint() {
        return listener.endpoint();
    }

    /** {@code localhost:port}, matching the test server certificate's DNS name. */
    public Endpoint localhostEndpoint() {
        return Endpoint.of("localhost", listener.endpoint().port());
    }

    /** Connections whose handshake succeeded. */
    public List<TlsConnection> connections() {
        return connections;
    }

    /**
     * The next handshake outcome: the {@link TlsConnection}, or the {@link TetherException} it failed with.
     */
    public Object nextHandshake(Duration timeout) throws InterruptedException {
        Object o = handshakes.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new AssertionError("no handshake within " + timeout);
        }
        return o;
    }

    /** The client certificate of the most recent successful handshake, if it presented one. */
    public List<X509Certificate> lastClientChain() {
        return connections.isEmpty() ? List.of() : connections.get(connections.size() - 1).peerCertificates();
    }

    private void acceptLoop() {
        while (!closing) {
            Connection plain;
            try {
                plain = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(plain), "tls-echo-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Connection plain) {
        TlsConnection tls;
        try {
            tls = acceptor.accept(plain, Deadline.after(Duration.ofSeconds(10)));
        } catch (TetherException e) {
            handshakes.add(e);
            return;
        }
        connections.add(tls);
        handshakes.add(tls);
        echoing.incrementAndGet();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try (tls) {
            while (true) {
                buf.clear();
                int n = tls.read(buf, Deadline.after(Duration.ofMinutes(2)));
                if (n < 0) {
                    return;
                }
                buf.flip();
                tls.write(buf, Deadline.after(Duration.ofMinutes(2)));
            }
        } catch (TetherException e) {
            // The client went away or the test closed the server; nothing to echo any more.
        } finally {
            echoing.decrementAndGet();
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
        connections.forEach(TlsConnection::close);
    }
}
