package dev.tether.pool.internal;

import dev.tether.core.Connection;
import dev.tether.core.codec.FramedConnection;
import dev.tether.pool.DestroyReason;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pooled connection and what the pool knows about it: when it was made and expires, when it was last used
 * or pinged, which TLS material made it, and why it is being destroyed.
 */
final class PooledConnection<Req, Resp> {
    final EndpointPool endpoint;
    final Connection connection;
    final FramedConnection<Req, Resp> framed;
    final long createdNanos;
    final long expiresAtNanos;
    final long generation;
    /** Set when the connection goes back to the pool; a ping does not count as use. */
    volatile long lastUsedNanos;
    /** Last successful application ping, or the last use, whichever is later. */
    volatile long lastAliveNanos;
    /** Acquires so far; read and written only by the holder of the connection. */
    long uses;
    /**
     * True from creation until the connection first rests in the pool: it was made for the borrow now
     * validating it, with material that was current when its handshake began.
     */
    volatile boolean madeForThisBorrow = true;

    private final AtomicReference<DestroyReason> retireReason = new AtomicReference<>();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    /** Scratch space for the non-blocking liveness check: any byte there means the protocol is out of step. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);

    PooledConnection(EndpointPool endpoint, Connection connection, FramedConnection<Req, Resp> framed,
                     long lifetimeNanos) {
        this.endpoint = endpoint;
        this.connection = connection;
        this.framed = framed;
        this.createdNanos = System.nanoTime();
        this.expiresAtNanos = createdNanos + lifetimeNanos;
        this.generation = connection.generation();
        this.lastUsedNanos = createdNanos;
        this.lastAliveNanos = createdNanos;
    }

    /** Records why this connection must go; the first reason given wins. */
    void retire(DestroyReason reason) {
        retireReason.compareAndSet(null, reason);
    }

    DestroyReason retireReason() {
        return retireReason.get();
    }

    /** True exactly once, for the caller that gets to close the connection and count it. */
    boolean markDestroyed() {
        return destroyed.compareAndSet(false, true);
    }

    boolean isDestroyed() {
        return destroyed.get();
    }

    ByteBuffer probeBuffer() {
        return probe.clear();
    }

    @Override
    public String toString() {
        return "PooledConnection[" + connection.endpoint() + ", local " + connection.localAddress() + ", uses " + uses + "]";
    }
}
