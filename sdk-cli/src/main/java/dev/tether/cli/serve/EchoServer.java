package dev.tether.cli.serve;

import dev.tether.cli.internal.Threads;
import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.TransportOptions;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An echo server on Tether's own transport and TLS server side ({@link ServerListener} + {@link TlsAcceptor}),
 * for {@code tether serve}, the demo and tests. Each client gets a virtual thread when the JVM has them (a
 * bounded pool of platform threads otherwise) and has what it sends echoed back, framed as the
 * {@link EchoProtocol} says, until it closes or stays idle too long.
 *
 * <p>The server can be {@linkplain #stop() stopped} and {@linkplain #start() started} again on the same port,
 * which is how the demo shows clients riding through a restart: stopping closes the listening socket and
 * every open connection (TLS ones with close_notify).
 */
public final class EchoServer implements AutoCloseable {
    /** Echoes of messages that arrived together are written together up to about this many bytes. */
    private static final int MAX_COALESCED = 64 * 1024;
    /** How long writing an echo may block on a client that does not read. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final int RAW_BUFFER_SIZE = 16 * 1024;

    /** Receives the server's events; called on connection threads, so implementations must be thread-safe. */
    public interface Listener {
        /** A client connected (and finished its TLS handshake, with TLS) and is being echoed. */
        default void connectionOpened(PeerInfo peer) {
        }

        /** A client's TLS handshake failed; the connection was closed. */
        default void handshakeFailed(long id, SocketAddress peer, TetherException failure) {
        }

        /** A client was turned away because {@link Builder#maxConnections(int)} are already open. */
        default void connectionRejected(SocketAddress peer, String reason) {
        }

        /** A connection ended: {@code reason} says how (client closed, idle timeout, server stopping, error). */
        default void connectionClosed(PeerInfo peer, String reason) {
        }
    }

    private final String bindAddress;
    private final int requestedPort;
    private final EchoProtocol protocol;
    private final TlsConfig tls;
    private final TlsAcceptor acceptor;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final Listener listener;
    private final ExecutorService handlers;
    private final Semaphore slots;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong handshakeFailures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong messagesEchoed = new AtomicLong();
    private final AtomicLong bytesEchoed = new AtomicLong();

    /** The running listener and its connections; null while stopped. Guarded by {@link #lifecycle}. */
    private Run current;
    /** The port bound the first time, reused by later starts so clients find the server again. */
    private int boundPort;
    private boolean closed;

    private EchoServer(Builder b) {
        bindAddress = b.bindAddress;
        requestedPort = b.port;
        protocol = b.protocol;
        tls = b.tls;
        acceptor = b.tls == null ? null : new TlsAcceptor(b.tls);
        idleTimeout = b.idleTimeout;
        maxConnections = b.maxConnections;
        listener = b.listener;
        slots = new Semaphore(maxConnections);
        handlers = Threads.perTask("tether-echo", maxConnections);
    }

    /** A builder: loopback, a free port, raw echo, plain TCP, a 5 minute idle timeout, at most 1024 clients. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts accepting. The first start binds the configured port (0 picks a free one); later starts
     * bind the same port again. Does nothing when already running.
     *
     * @throws IOException when the address cannot be bound (for example, the port is in use)
     */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (closed) {
                throw new IllegalStateException("echo server is closed");
            }
            if (current != null) {
                return;
            }
            int port = boundPort != 0 ? boundPort : requestedPort;
            ServerListener socket = ServerListener.bind(bindAddress, port, 0, TransportOptions.defaults());
            boundPort = socket.endpoint().port();
            Run run = new Run(socket);
            current = run;
            run.acceptThread.start();
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Stops accepting and closes every open connection (TLS ones with close_notify). The server can be
     * started again on the same port. Does nothing when already stopped.
     */
    public void stop() {
        lifecycle.lock();
        try {
            Run run = current;
            if (run == null) {
                return;
            }
            current = null;
            run.stop();
        } finally {
            lifecycle.unlock();
        }
    }

    /** Stops and starts again on the same port: every client loses its connection and must reconnect. */
    public void restart() throws IOException {
        lifecycle.lock();
        try {
            Run old = current;
            current = null;
            if (old != null) {
                // Listen again before closing the old connections, so the port is unavailable only for as long as
                // rebinding takes, not for as long as saying goodbye to every client.
                old.stopAccepting();
            }
            try {
                start();
            } finally {
                if (old != null) {
                    old.closeConnections();
                }
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Stops the server for good and releases its threads. Idempotent. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            closed = true;
            stop();
        } finally {
            lifecycle.unlock();
        }
        handlers.shutdown();
    }

    /** Whether the server is accepting connections. */
    public boolean isRunning() {
        lifecycle.lock();
        try {
            return current != null;
        } finally {
            lifecycle.unlock();
        }
    }

    /** The bound port (also while stopped, once it was started); 0 before the first start. */
    public int port() {
        lifecycle.lock();
        try {
            return boundPort;
        } finally {
            lifecycle.unlock();
        }
    }

    /** Where clients connect: the bind address and the bound port. */
    public Endpoint endpoint() {
        int port = port();
        if (port == 0) {
            throw new IllegalStateException("echo server was never started");
        }
        return Endpoint.of(bindAddress, port);
    }

    public EchoProtocol protocol() {
        return protocol;
    }

    /** The TLS settings, if the server speaks TLS. */
    public Optional<TlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Connections accepted so far, over every start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** TLS handshakes that failed so far. */
    public long handshakeFailures() {
        return handshakeFailures.get();
    }

    /** Connections turned away because the server was full. */
    public long rejectedConnections() {
        return rejected.get();
    }

    /** Connections open right now. */
    public int openConnections() {
        return maxConnections - slots.availablePermits();
    }

    /** Messages (lines, frames, or reads for raw echo) echoed so far. */
    public long messagesEchoed() {
        return messagesEchoed.get();
    }

    /** Payload bytes echoed so far. */
    public long bytesEchoed() {
        return bytesEchoed.get();
    }

    @Override
    public String toString() {
        return "EchoServer[" + bindAddress + ":" + port() + ", " + protocol + (tls == null ? ", plain" : ", TLS") + "]";
    }

    /** One bound listening socket with its accept thread and the connections it accepted. */
    private final class Run {
        final ServerListener socket;
        final Thread acceptThread;
        final Set<Connection> open = ConcurrentHashMap.newKeySet();
        volatile boolean stopping;

        Run(ServerListener socket) {
            this.socket = socket;
            this.acceptThread = new Thread(this::acceptLoop, "tether-echo-accept-" + socket.endpoint().port());
            acceptThread.setDaemon(true);
        }

        void acceptLoop() {
            while (!stopping) {
                Connection plain;
                try {
                    plain = socket.accept();
                } catch (IOException e) {
                    if (stopping || !socket.isOpen()) {
                        return;
                    }
                    // Out of file descriptors and the like: pause briefly rather than spin on the failure.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    continue;
                }
                dispatch(plain);
            }
        }

        private void dispatch(Connection plain) {
            SocketAddress peer = plain.remoteAddress();
            if (!slots.tryAcquire()) {
                plain.close();
                rejected.incrementAndGet();
                listener.connectionRejected(peer, "server full: " + maxConnections + " connections open");
                return;
            }
            accepted.incrementAndGet();
            long id = ids.incrementAndGet();
            open.add(plain);
            try {
                handlers.execute(() -> handle(plain, peer, id));
            } catch (RejectedExecutionException e) {
                open.remove(plain);
                plain.close();
                slots.release();
                rejected.incrementAndGet();
                listener.connectionRejected(peer, "no thread available: " + e.getMessage());
            }
        }

        private void handle(Connection plain, SocketAddress peer, long id) {
            Connection connection = plain;
            PeerInfo info = null;
            try {
                if (stopping) {
                    return;
                }
                if (acceptor != null) {
                    TlsConnection secured;
                    try {
                        secured = acceptor.accept(plain);
                    } catch (TetherException e) {
                        if (!stopping) {
                            handshakeFailures.incrementAndGet();
                            listener.handshakeFailed(id, peer, e);
                        }
                        return;
                    }
                    connection = secured;
                    open.add(secured);
                    open.remove(plain);
                    if (stopping) {
                        return;
                    }
                    List<X509Certificate> chain = secured.peerCertificates();
                    info = new PeerInfo(id, peer, Optional.of(secured.protocol()), Optional.of(secured.cipherSuite()),
                            chain.isEmpty() ? Optional.empty()
                                    : Optional.of(chain.get(0).getSubjectX500Principal().getName()));
                } else {
                    info = new PeerInfo(id, peer, Optional.empty(), Optional.empty(), Optional.empty());
                }
                listener.connectionOpened(info);
                String reason = echo(connection);
                listener.connectionClosed(info, reason);
            } finally {
                open.remove(connection);
                open.remove(plain);
                connection.close();
                slots.release();
            }
        }

        /** Echoes until the client leaves; returns how the connection ended. */
        private String echo(Connection connection) {
            try {
                switch (protocol) {
                    case RAW -> echoRaw(connection);
                    case LINE -> echoFramed(connection, LineCodec.create());
                    case LENGTH -> echoFramed(connection, LengthPrefixedCodec.create());
                    default -> throw new IllegalStateException("unknown protocol " + protocol);
                }
                return "client closed";
            } catch (TimedOutException e) {
                return e.phase() == TimedOutException.Phase.READ
                        ? "idle for " + dev.tether.cli.internal.DurationConverter.format(idleTimeout) : e.getMessage();
            } catch (ConnectionClosedException e) {
                return stopping ? "server stopping" : e.getMessage();
            } catch (TetherException e) {
                return stopping ? "server stopping" : e.getMessage();
            }
        }

        private void echoRaw(Connection connection) throws TetherException {
            ByteBuffer buffer = ByteBuffer.allocate(RAW_BUFFER_SIZE);
            while (true) {
                buffer.clear();
                int n = connection.read(buffer, Deadline.after(idleTimeout));
                if (n < 0) {
                    return;
                }
                buffer.flip();
                connection.write(buffer, Deadline.after(WRITE_TIMEOUT));
                messagesEchoed.incrementAndGet();
                bytesEchoed.addAndGet(n);
            }
        }

        /**
         * Echoes message by message. Messages that arrived together (a pipelining client's batch) are answered
         * together in one write, as Redis does, up to {@link #MAX_COALESCED} bytes; the write happens before the
         * next read that could block, so no reply waits for more input.
         */
        private <T> void echoFramed(Connection connection, Codec<T, T> codec) throws TetherException {
            FramedConnection<T, T> framed = new FramedConnection<>(connection, codec);
            ByteBuffer out = ByteBuffer.allocate(1024);
            while (true) {
                T message;
                try {
                    message = framed.receive(Deadline.after(idleTimeout));
                } catch (ConnectionClosedException e) {
                    if (e.reason() == ConnectionClosedException.Reason.EOF && !framed.hasBufferedInput()
                            && !String.valueOf(e.getMessage()).contains("truncated")) {
                        return;
                    }
                    throw e;
                }
                out.clear();
                while (message != null) {
                    out = append(out, codec.encode(message));
                    messagesEchoed.incrementAndGet();
                    bytesEchoed.addAndGet(sizeOf(message));
                    message = out.position() < MAX_COALESCED ? framed.receiveBuffered() : null;
                }
                out.flip();
                try {
                    connection.write(out, Deadline.after(WRITE_TIMEOUT));
                } catch (TetherException | RuntimeException | Error e) {
                    connection.markBroken(e);
                    throw e;
                }
                if (out.capacity() > MAX_COALESCED * 2) {
                    out = ByteBuffer.allocate(1024); // one large message: do not keep its buffer for the connection
                }
            }
        }

        /** {@code out} with {@code frame} appended, grown when needed. */
        private static ByteBuffer append(ByteBuffer out, ByteBuffer frame) {
            if (out.remaining() < frame.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + frame.remaining()));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            return out.put(frame);
        }

        private long sizeOf(Object message) {
            if (message instanceof byte[] bytes) {
                return bytes.length;
            }
            return message instanceof String s ? s.length() : 0;
        }

        void stop() {
            stopAccepting();
            closeConnections();
        }

        /** Closes the listening socket and waits for the accept thread to end. */
        void stopAccepting() {
            stopping = true;
            try {
                socket.close();
            } catch (IOException e) {
                // The socket is unusable either way; the accept thread ends on the failure it causes.
            }
            try {
                acceptThread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Closes every connection this run accepted (TLS ones with close_notify). */
        void closeConnections() {
            List<Connection> toClose = new ArrayList<>(open);
            toClose.forEach(Connection::close);
        }
    }

    /** Builds an {@link EchoServer}; each setter checks its value. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private EchoProtocol protocol = EchoProtocol.RAW;
        private TlsConfig tls;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private int maxConnections = 1024;
        private Listener listener = new Listener() {
        };

        private Builder() {
        }

        /** The address to listen on: {@code 127.0.0.1} (default), {@code 0.0.0.0}, {@code ::}, a host name. */
        public Builder bindAddress(String address) {
            Objects.requireNonNull(address, "bindAddress");
            if (address.isBlank()) {
                throw new IllegalArgumentException("bindAddress must not be blank");
            }
            bindAddress = address.trim();
            return this;
        }

        /** The port; 0 (default) picks a free one, see {@link EchoServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder protocol(EchoProtocol protocol) {
            this.protocol = Objects.requireNonNull(protocol, "protocol");
            return this;
        }

        /**
         * Serve TLS with this config, which must hold the server's key material; its
         * {@link TlsConfig#clientAuth()} decides whether clients need certificates. Null for plain TCP.
         */
        public Builder tls(TlsConfig config) {
            tls = config;
            return this;
        }

        /** A client that sends nothing for this long is disconnected. */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "idleTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + timeout);
            }
            idleTimeout = timeout;
            return this;
        }

        /** Clients served at once; more are turned away (and threads are bounded by it without virtual threads). */
        public Builder maxConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive: " + connections);
            }
            maxConnections = connections;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the server without starting it.
         *
         * @throws dev.tether.tls.TlsConfigException when TLS is configured without key material
         */
        public EchoServer build() {
            return new EchoServer(this);
        }
    }
}
