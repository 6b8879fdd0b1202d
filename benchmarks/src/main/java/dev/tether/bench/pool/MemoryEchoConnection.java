package dev.tether.bench.pool;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A connection that echoes in memory: what is written is read back. A stand-in for a socket in
 * {@link PooledCallOverheadBenchmark} only, where the point is to take the network out of the figure so the pool's
 * own CPU cost per call shows; every real-transport comparison uses real sockets. One owner at a time, like the
 * pool's connections.
 */
final class MemoryEchoConnection implements Connection {
    private static final SocketAddress LOCAL = InetSocketAddress.createUnresolved("memory", 1);
    private final Endpoint endpoint;
    private final long createdAtNanos = System.nanoTime();
    private final Instant createdAt = Instant.now();
    /** Written bytes not read yet, kept in read mode: data occupies {@code [position, limit)}. */
    private final ByteBuffer echo = ByteBuffer.allocate(1 << 16).flip();
    private long bytesRead;
    private long bytesWritten;
    private volatile boolean open = true;

    MemoryEchoConnection(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public SocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public SocketAddress remoteAddress() {
        return LOCAL;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public long createdAtNanos() {
        return createdAtNanos;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public int read(ByteBuffer dst, Deadline deadline) {
        return readAvailable(dst);
    }

    @Override
    public int read(ByteBuffer dst) {
        return readAvailable(dst);
    }

    @Override
    public int readAvailable(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), echo.remaining());
        dst.put(echo.slice(echo.position(), n));
        echo.position(echo.position() + n);
        bytesRead += n;
        return n;
    }

    @Override
    public int available() {
        return echo.remaining();
    }

    @Override
    public void write(ByteBuffer src, Deadline deadline) {
        write(src);
    }

    @Override
    public void write(ByteBuffer src) {
        bytesWritten += src.remaining();
        echo.compact().put(src).flip();
    }

    @Override
    public void shutdownOutput() {
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isBroken() {
        return false;
    }

    @Override
    public void markBroken(Throwable reason) {
    }

    @Override
    public void close() {
        open = false;
    }
}
