package dev.tether.pool.testing;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * A real connection passed through unchanged; tests override a method to hold it at a chosen moment (to make a
 * race deterministic) or to make it misbehave the way a faulty transport would.
 */
public class ForwardingConnection implements Connection {
    protected final Connection delegate;

    public ForwardingConnection(Connection delegate) {
        this.delegate = delegate;
    }

    @Override
    public Endpoint endpoint() {
        return delegate.endpoint();
    }

    @Override
    public SocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public Instant createdAt() {
        return delegate.createdAt();
    }

    @Override
    public long createdAtNanos() {
        return delegate.createdAtNanos();
    }

    @Override
    public long bytesRead() {
        return delegate.bytesRead();
    }

    @Override
    public long bytesWritten() {
        return delegate.bytesWritten();
    }

    @Override
    public int read(ByteBuffer dst, Deadline deadline) throws TetherException {
        return delegate.read(dst, deadline);
    }

    @Override
    public int read(ByteBuffer dst) throws TetherException {
        return delegate.read(dst);
    }

    @Override
    public int readAvailable(ByteBuffer dst) throws TetherException {
        return delegate.readAvailable(dst);
    }

    @Override
    public int available() throws TetherException {
        return delegate.available();
    }

    @Override
    public void write(ByteBuffer src, Deadline deadline) throws TetherException {
        delegate.write(src, deadline);
    }

    @Override
    public void write(ByteBuffer src) throws TetherException {
        delegate.write(src);
    }

    @Override
    public void shutdownOutput() throws TetherException {
        delegate.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public boolean isBroken() {
        return delegate.isBroken();
    }

    @Override
    public void markBroken(Throwable reason) {
        delegate.markBroken(reason);
    }

    @Override
    public long generation() {
        return delegate.generation();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "Forwarding[" + delegate + "]";
    }
}
