package dev.tether.pool.internal;

import dev.tether.core.Connection;
import dev.tether.core.codec.FramedConnection;
import dev.tether.pool.DestroyReason;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pooled connection, its owner and what the pool knows about it: when it was made and expires, when it was
 * last used or pinged, which TLS material made it, and why it is being destroyed.
 *
 * <p>Exactly one party owns a connection at any moment, recorded in {@link #state} and changed only by
 * compare-and-set (see sdk-pool/DESIGN.md): {@link #IDLE} (the pool: anyone may claim it), {@link #LEASED} (one
 * caller), {@link #MAINTAINED} (the maintenance run checking or pinging it), {@link #CLOSED} (nobody; it is
 * gone). Only the owner reads or writes the connection and the plain fields.
 */
final class PooledConnection<Req, Resp> {
    static final int IDLE = 0;
    static final int LEASED = 1;
    static final int MAINTAINED = 2;
    static final int CLOSED = 3;

    private static final AtomicIntegerFieldUpdater<PooledConnection> STATE =
            AtomicIntegerFieldUpdater.newUpdater(PooledConnection.class, "state");

    final EndpointPool endpoint;
    final Slot slot;
    final Connection connection;
    final FramedConnection<Req, Resp> framed;
    final long createdNanos;
    final long expiresAtNanos;
    final long generation;
    private volatile int state = LEASED;
    /**
     * When it was last given back; a ping does not count as use. Plain fields, written only by the owner before
     * it publishes the connection ({@link #makeIdle} is a volatile write, a claim a compare-and-set), so the next
     * owner sees them; maintenance's unclaimed first look at {@code lastUsedNanos} is a hint it checks again once
     * it owns the connection.
     */
    long lastUsedNanos;
    /** Last successful application ping; the keep-alive is due after the later of this and the last use. */
    long lastAliveNanos;
    /** Acquires so far; read and written only by the owner. */
    long uses;
    /** Whether the owner's call counted itself in its endpoint's in-flight figure (the owner lowers it again). */
    boolean countedInFlight;

    private final AtomicReference<DestroyReason> retireReason = new AtomicReference<>();
    /** Scratch space for the non-blocking liveness check: any byte there means the protocol is out of step. */
    private final ByteBuffer probe = ByteBuffer.allocate(1);

    /** A new connection, owned by whoever made it ({@link #LEASED}). */
    PooledConnection(EndpointPool endpoint, Slot slot, Connection connection, FramedConnection<Req, Resp> framed,
                     long nowNanos, long lifetimeNanos) {
        this.endpoint = endpoint;
        this.slot = slot;
        this.connection = connection;
        this.framed = framed;
        this.createdNanos = nowNanos;
        this.expiresAtNanos = nowNanos + lifetimeNanos;
        this.generation = connection.generation();
        this.lastUsedNanos = nowNanos;
        this.lastAliveNanos = nowNanos;
    }

    /** Takes an idle connection for a caller ({@code LEASED}) or for maintenance; false if someone else has it. */
    boolean claim(int newOwner) {
        return STATE.compareAndSet(this, IDLE, newOwner);
    }

    /** The owner gives the connection to the pool; anyone may then claim it. */
    void makeIdle() {
        state = IDLE;
    }

    /** The owner (or, at shutdown, the client) marks it gone; true exactly once, for whoever closes it. */
    boolean markClosed() {
        return STATE.getAndSet(this, CLOSED) != CLOSED;
    }

    /** Claims it for closing if it is idle: true when the caller now must close it. */
    boolean claimIdleForClosing() {
        return STATE.compareAndSet(this, IDLE, CLOSED);
    }


    boolean isClosed() {
        return state == CLOSED;
    }

    /** Records why this connection must go; the first reason given wins. */
    void retire(DestroyReason reason) {
        retireReason.compareAndSet(null, reason);
    }

    DestroyReason retireReason() {
        return retireReason.get();
    }

    ByteBuffer probeBuffer() {
        return probe.clear();
    }

    @Override
    public String toString() {
        return "PooledConnection[" + connection.endpoint() + ", local " + connection.localAddress() + ", uses " + uses + "]";
    }
}
