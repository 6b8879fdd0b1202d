package dev.tether.core;

import java.io.Closeable;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A duplex byte stream to one endpoint: the seam every Tether layer builds on (plain sockets, TLS on top
 * of them, pools around them). Reads and writes take a {@link Deadline}; the methods without one use the
 * transport's configured read or write timeout.
 *
 * <p>One thread reads and one thread writes at a time; a connection is not meant to be shared by callers.
 * After any failure the connection is {@linkplain #isBroken() broken} and must be closed, never reused.
 */
public interface Connection extends Closeable {

    /** Where this connection goes. */
    Endpoint endpoint();

    /** This side's address. */
    SocketAddress localAddress();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** Wall-clock time the connection was established, for display. */
    Instant createdAt();

    /** {@link System#nanoTime()} when the connection was established, for lifetime arithmetic. */
    long createdAtNanos();

    /** Bytes received from the peer so far (for TLS: application bytes). */
    long bytesRead();

    /** Bytes sent to the peer so far (for TLS: application bytes). */
    long bytesWritten();

    /**
     * Reads at least one byte into {@code dst}, waiting until the deadline.
     *
     * @return bytes read, or -1 at a clean end of stream
     * @throws TimedOutException with phase READ when the deadline passes first (the connection is then broken)
     */
    int read(ByteBuffer dst, Deadline deadline) throws TetherException;

    /** {@link #read(ByteBuffer, Deadline)} with the configured read timeout. */
    int read(ByteBuffer dst) throws TetherException;

    /**
     * Reads whatever is already available without waiting: 0 when nothing is, -1 at end of stream. This is
     * the cheap liveness check a pool runs before reusing an idle connection. It never waits for a write in
     * progress on another thread; it may then report 0 without having looked.
     */
    int readAvailable(ByteBuffer dst) throws TetherException;

    /**
     * How many bytes from the peer are waiting to be read, as far as this connection can tell without reading
     * or waiting: one system call on a TCP socket (the kernel's count of received bytes), plus whatever a layer
     * above holds undecoded. On an idle request/response connection anything here is something nobody asked
     * for (junk, a late reply, a TLS close_notify or alert), so a pool checks this before every reuse. A TLS
     * connection may report bytes that turn out to be only a post-handshake message (a session ticket);
     * {@link #readAvailable} tells the two apart. An end of stream is not visible here.
     *
     * @return bytes pending (0 when none), or -1 when this connection cannot tell cheaply (then use
     *         {@link #readAvailable})
     */
    default int available() throws TetherException {
        return -1;
    }

    /**
     * Writes all of {@code src}, waiting until the deadline if the peer is slow to read.
     *
     * @throws TimedOutException with phase WRITE when the deadline passes first (the connection is then broken)
     */
    void write(ByteBuffer src, Deadline deadline) throws TetherException;

    /** {@link #write(ByteBuffer, Deadline)} with the configured write timeout. */
    void write(ByteBuffer src) throws TetherException;

    /** Sends end-of-stream to the peer while still allowing reads (TCP half-close). */
    void shutdownOutput() throws TetherException;

    /** True until the connection is closed or broken. */
    boolean isOpen();

    /** True once a failure made the connection unusable; it must then be closed, never reused. */
    boolean isBroken();

    /** Marks the connection unusable, for example after a protocol violation seen by a layer above. */
    void markBroken(Throwable reason);

    /**
     * The generation of security material (TLS keys and trust) this connection was made with; 0 for plain
     * connections. A pool retires connections whose generation is older than its connector's
     * {@link Connector#generation()} after a hot reload.
     */
    default long generation() {
        return 0;
    }

    /** Closes the connection; idempotent and never throws. */
    @Override
    void close();
}
