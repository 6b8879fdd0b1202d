package dev.tether.pool.internal;

import dev.tether.core.Deadline;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.ClientClosedException;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.PoolExhaustedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lends connections to callers and takes them back: the per-endpoint pools' moving parts (see
 * sdk-pool/DESIGN.md for the states and the hot path).
 *
 * <p>Acquire: claim an idle connection by compare-and-set and check it; otherwise take room from
 * {@link Capacity} and connect on the caller's thread within its deadline; otherwise queue in {@link Waiters}
 * until a connection is handed over or room is freed, bounded by the acquire timeout and the deadline. Release:
 * hand the connection to the oldest waiter, or make it idle. A caller finding others queued does not barge past
 * them.
 */
final class ConnectionPool<Req, Resp> {
    private final String clientName;
    private final EndpointSet set;
    private final Connections<Req, Resp> connections;
    private final Capacity capacity;
    private final TimeSource time;
    private final IdleConnections<Req, Resp> idle;
    private final long acquireTimeoutNanos;
    private final int maxPerEndpoint;
    /** Queued callers whose endpoint has room but the client as a whole is full. */
    private final AtomicInteger waitingForRoomElsewhere = new AtomicInteger();
    private volatile boolean closed;

    ConnectionPool(String clientName, EndpointSet set, Connections<Req, Resp> connections, Capacity capacity,
                   TimeSource time, boolean lifo, Duration acquireTimeout, int maxPerEndpoint) {
        this.clientName = clientName;
        this.set = set;
        this.connections = connections;
        this.capacity = capacity;
        this.time = time;
        this.idle = new IdleConnections<>(lifo, connections);
        this.acquireTimeoutNanos = acquireTimeout.toNanos();
        this.maxPerEndpoint = maxPerEndpoint;
    }

    /**
     * A connection to {@code ep}, owned by the caller until {@link #release}.
     *
     * @param start when the caller began (its clock read, reused here)
     */
    PooledConnection<Req, Resp> acquire(EndpointPool ep, Deadline deadline, long start) throws TetherException {
        if (ep.draining) {
            throw removed(ep);
        }
        if (ep.waiters.isEmpty()) {
            PooledConnection<Req, Resp> pc = takeIdle(ep, start);
            if (pc != null) {
                // Taken without waiting: no clock read to measure a wait that did not happen.
                ep.recordAcquire(0, true);
                return pc;
            }
            Slot slot = capacity.tryTake(ep.endpoint);
            if (slot != null) {
                return connect(ep, slot, deadline, start);
            }
        }
        return await(ep, deadline, start);
    }

    /**
     * {@link #acquire} without waiting: an idle connection or new room, else null. For pipelined calls, which then
     * wait for room on a shared connection instead of queueing behind exclusive callers.
     */
    PooledConnection<Req, Resp> tryAcquire(EndpointPool ep, Deadline deadline, long now) throws TetherException {
        if (ep.draining) {
            throw removed(ep);
        }
        if (!ep.waiters.isEmpty()) {
            return null;
        }
        PooledConnection<Req, Resp> pc = takeIdle(ep, now);
        if (pc != null) {
            ep.recordAcquire(0, true);
            return pc;
        }
        Slot slot = capacity.tryTake(ep.endpoint);
        return slot == null ? null : connect(ep, slot, deadline, now);
    }

    /** Claims an idle connection that passes the reuse check; destroys those that fail it. */
    private PooledConnection<Req, Resp> takeIdle(EndpointPool ep, long now) {
        PooledConnection<Req, Resp> pc;
        while ((pc = idle.poll(ep)) != null) {
            if (!pc.claim(PooledConnection.LEASED)) {
                continue; // maintenance is checking it, or it was closed: it is not ours to take
            }
            if (checkedForReuse(pc, now)) {
                pc.uses++;
                return pc;
            }
        }
        return null;
    }

    /** The reuse check on a connection the caller owns; one that fails it (or throws) is destroyed. */
    private boolean checkedForReuse(PooledConnection<Req, Resp> pc, long now) {
        boolean usable = false;
        try {
            usable = connections.usable(pc, now);
            return usable;
        } finally {
            if (!usable) {
                destroy(pc, DestroyReason.BROKEN); // unless the check recorded a more precise reason
            }
        }
    }

    private PooledConnection<Req, Resp> connect(EndpointPool ep, Slot slot, Deadline deadline, long start)
            throws TetherException {
        PooledConnection<Req, Resp> pc;
        try {
            pc = connections.open(ep, slot, deadline, true);
        } catch (TetherException | RuntimeException | Error e) {
            roomFreed(ep); // the failed connect gave its room back: a queued caller may use it (or learn why not)
            throw e;
        }
        pc.uses++;
        ep.recordAcquire(time.nanoTime() - start, false);
        return pc;
    }

    /** The slow path: wait in line for a connection handed over, an idle one, or room to open one. */
    private PooledConnection<Req, Resp> await(EndpointPool ep, Deadline deadline, long start) throws TetherException {
        long until = start + Math.min(acquireTimeoutNanos, Math.max(0, deadline.remainingNanos()));
        Waiters.Waiter w = ep.waiters.enqueue();
        boolean countedElsewhere = false;
        boolean tookRoom = false;
        try {
            while (true) {
                // Looking now: a further freed room must wake someone else.
                w.signalled = false;
                if (w.served) {
                    return handedOver(ep, w, deadline, start);
                }
                if (closed) {
                    if (ep.waiters.leave(w)) {
                        throw new ClientClosedException(clientName);
                    }
                    continue;
                }
                if (ep.draining) {
                    if (ep.waiters.leave(w)) {
                        throw removed(ep);
                    }
                    continue;
                }
                // Queued now: a release that saw nobody waiting made its connection idle, so look once more.
                PooledConnection<Req, Resp> pc = takeIdle(ep, time.nanoTime());
                if (pc != null) {
                    if (ep.waiters.leave(w)) {
                        ep.recordAcquire(time.nanoTime() - start, true);
                        return pc;
                    }
                    offer(ep, pc); // served meanwhile: this one goes to the next in line
                    continue;
                }
                Slot slot = capacity.tryTake(ep.endpoint);
                if (slot != null) {
                    if (ep.waiters.leave(w)) {
                        tookRoom = true;
                        return connect(ep, slot, deadline, start);
                    }
                    capacity.free(slot);
                    continue;
                }
                if (capacity.fullElsewhere(ep.endpoint)) {
                    if (!countedElsewhere) {
                        countedElsewhere = true;
                        waitingForRoomElsewhere.incrementAndGet();
                    }
                    if (idle.closeOneElsewhere(ep, set.view().all)) {
                        continue;
                    }
                }
                long left = until - time.nanoTime();
                if (left <= 0) {
                    if (ep.waiters.leave(w)) {
                        throw exhausted(ep, start);
                    }
                    continue;
                }
                if (w.served || w.signalled) {
                    // Served or woken since the look above. Its unpark may already have been spent by a lock this
                    // thread waited on meanwhile (a contended lock parks too), so parking now could sleep through
                    // it until the timeout: look again instead.
                    continue;
                }
                time.park(this, left);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    if (!ep.waiters.leave(w)) {
                        offer(ep, takeHanded(w));
                    }
                    throw new CallInterruptedException(ep.endpoint, RequestState.NOT_SENT, null);
                }
            }
        } finally {
            if (countedElsewhere) {
                waitingForRoomElsewhere.decrementAndGet();
            }
            if (w.signalled && !tookRoom) {
                // Woken for freed room but leaving without it (served, timed out, interrupted, closed): pass it on.
                ep.waiters.wakeOldest();
            }
        }
    }

    /** The connection handed to a served waiter: set before {@code served}, under the queue's lock. */
    @SuppressWarnings("unchecked")
    private PooledConnection<Req, Resp> takeHanded(Waiters.Waiter w) {
        PooledConnection<?, ?> pc = w.handed;
        if (pc == null) {
            throw new IllegalStateException("a served waiter without a connection");
        }
        return (PooledConnection<Req, Resp>) pc;
    }

    /** A connection a releaser handed to this waiter: checked like any reuse, else the caller queues again. */
    private PooledConnection<Req, Resp> handedOver(EndpointPool ep, Waiters.Waiter w, Deadline deadline, long start)
            throws TetherException {
        PooledConnection<Req, Resp> pc = takeHanded(w);
        if (checkedForReuse(pc, time.nanoTime())) {
            pc.uses++;
            ep.recordAcquire(time.nanoTime() - start, true);
            return pc;
        }
        return await(ep, deadline, start);
    }

    /**
     * Gives a connection back. A clean one goes to the oldest waiter or becomes idle; anything else (a failure
     * recorded, unread bytes, a broken or closed connection, a closed client) is destroyed.
     */
    void release(PooledConnection<Req, Resp> pc, DestroyReason discard) {
        release(pc, discard, discard == null ? time.nanoTime() : 0);
    }

    /** {@link #release(PooledConnection, DestroyReason)} with the clock already read by the caller. */
    void release(PooledConnection<Req, Resp> pc, DestroyReason discard, long now) {
        if (discard != null || closed || !pc.connection.isOpen() || pc.connection.isBroken()
                || pc.framed.hasBufferedInput()) {
            destroy(pc, discard != null ? discard : closed ? DestroyReason.SHUTDOWN : DestroyReason.BROKEN);
            return;
        }
        pc.lastUsedNanos = now;
        offer(pc.endpoint, pc);
    }

    /** Passes a healthy connection its owner is done with to the next caller, or to the idle set. */
    void offer(EndpointPool ep, PooledConnection<Req, Resp> pc) {
        offer(ep, pc, false);
    }

    /**
     * {@link #offer}, placing an idle connection as the most recently used, or (for maintenance, which hands
     * back connections that rested) as the least recently used, so reuse order follows real use.
     */
    void offer(EndpointPool ep, PooledConnection<Req, Resp> pc, boolean leastRecentlyUsed) {
        if (ep.draining) {
            // Removed from the set: a connection coming back is closed (close_notify for TLS), not reused.
            destroy(pc, DestroyReason.ENDPOINT_REMOVED);
            return;
        }
        if (!ep.waiters.isEmpty() && ep.waiters.handOff(pc)) {
            return;
        }
        if (waitingForRoomElsewhere.get() > 0) {
            // Another endpoint's caller waits for room the client as a whole lacks: this connection's is it.
            destroy(pc, DestroyReason.IDLE);
            return;
        }
        pc.makeIdle();
        idle.add(ep, pc, leastRecentlyUsed);
        if (!ep.waiters.isEmpty()) {
            // A caller queued after the look above and may have missed this connection: hand one over now.
            PooledConnection<Req, Resp> again = idle.poll(ep);
            if (again != null && again.claim(PooledConnection.LEASED) && !ep.waiters.handOff(again)) {
                again.makeIdle();
                idle.putBack(ep, again); // nobody waits after all
            }
        }
        // After the re-check: a connection put back there (its waiter left meanwhile) is idle for this one too.
        Pipelines.poolGainedRoom(ep);
        if (closed) {
            idle.closeAll(ep, DestroyReason.SHUTDOWN);
        }
    }

    /** Destroys a connection the caller owns, frees its room and wakes whoever waits for room. */
    void destroy(PooledConnection<Req, Resp> pc, DestroyReason reason) {
        if (connections.destroy(pc, reason)) {
            roomFreed(pc.endpoint);
        }
    }

    /**
     * Wakes a caller queued for room at {@code ep}, else (when the client as a whole is full) one queued at another
     * endpoint, else one of {@code ep}'s callers waiting for room on a full shared connection: those already have
     * connections to share, so callers with none come first.
     */
    void roomFreed(EndpointPool ep) {
        if (ep.waiters.wakeOldest()) {
            return;
        }
        if (waitingForRoomElsewhere.get() > 0) {
            for (EndpointPool other : set.view().all) {
                if (other != ep && other.waiters.wakeOldest()) {
                    return;
                }
            }
        }
        Pipelines.poolGainedRoom(ep);
    }

    /** Destroys every idle connection of {@code ep}, for {@code reason}. */
    void closeIdle(EndpointPool ep, DestroyReason reason) {
        idle.closeAll(ep, reason);
    }

    /**
     * Closes every connection of {@code ep} whoever holds it (a draining endpoint past its drain timeout, or a
     * closing client past its own): a call still on one fails as on any broken connection, with the request
     * state it reached.
     */
    int closeAllOf(EndpointPool ep, DestroyReason reason) {
        int n = 0;
        for (PooledConnection<?, ?> any : ep.live) {
            @SuppressWarnings("unchecked")
            PooledConnection<Req, Resp> pc = (PooledConnection<Req, Resp>) any;
            if (connections.destroy(pc, reason)) {
                n++;
            }
        }
        return n;
    }

    /** The failure of a call that picked an endpoint just removed: not an attempt, the call picks again. */
    static TetherException removed(EndpointPool ep) {
        return new dev.tether.core.ConnectFailedException(dev.tether.core.ConnectFailedException.Reason.OTHER,
                ep.endpoint, "removed from the client's endpoint set", null);
    }

    /** Stops lending: queued callers fail, idle connections close; connections still out close on release. */
    void close() {
        closed = true;
        connections.shuttingDown();
        for (EndpointPool ep : set.view().all) {
            ep.waiters.wakeAll();
            idle.closeAll(ep, DestroyReason.SHUTDOWN);
        }
    }

    /** Closes every connection still open, whoever holds it: after the drain timeout. */
    int closeAll() {
        int n = 0;
        for (EndpointPool ep : set.view().all) {
            n += closeAllOf(ep, DestroyReason.SHUTDOWN);
        }
        return n;
    }

    boolean isClosed() {
        return closed;
    }

    boolean lifo() {
        return idle.lifo();
    }

    private PoolExhaustedException exhausted(EndpointPool ep, long start) {
        int idle = ep.idleCount();
        int active = Math.max(0, ep.live.size() - idle);
        return new PoolExhaustedException(ep.endpoint, Duration.ofNanos(time.nanoTime() - start), maxPerEndpoint,
                active, idle, ep.waiters.size());
    }
}
