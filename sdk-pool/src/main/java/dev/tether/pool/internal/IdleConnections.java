package dev.tether.pool.internal;

import dev.tether.pool.DestroyReason;

/**
 * Endpoints' idle connections: the order in which they are reused, and closing them. With lifo reuse (the default) the most recently
 * returned first, kept in the endpoint's {@code recent} slot so the common take-after-give-back touches one
 * reference instead of the shared list; with fifo reuse the least recently returned first. Maintenance hands
 * back connections that only rested as least recently used, so reuse order follows real use. Only the slot and
 * the list: who may take a connection from them is decided by its state ({@link PooledConnection#claim}).
 */
final class IdleConnections<Req, Resp> {
    private final boolean lifo;
    private final Connections<Req, Resp> connections;

    IdleConnections(boolean lifo, Connections<Req, Resp> connections) {
        this.lifo = lifo;
        this.connections = connections;
    }

    boolean lifo() {
        return lifo;
    }

    /** The next idle candidate to reuse (not yet claimed), or null. */
    @SuppressWarnings("unchecked")
    PooledConnection<Req, Resp> poll(EndpointPool ep) {
        if (lifo && ep.recent.get() != null) {
            PooledConnection<?, ?> pc = ep.recent.getAndSet(null);
            if (pc != null) {
                return (PooledConnection<Req, Resp>) pc;
            }
        }
        return (PooledConnection<Req, Resp>) ep.idle.pollFirst();
    }

    /** The least recently returned idle candidate, or null. */
    @SuppressWarnings("unchecked")
    PooledConnection<Req, Resp> pollOldest(EndpointPool ep) {
        PooledConnection<?, ?> pc = lifo ? ep.idle.pollLast() : ep.idle.pollFirst();
        if (pc == null && lifo) {
            pc = ep.recent.getAndSet(null);
        }
        return (PooledConnection<Req, Resp>) pc;
    }

    /**
     * Adds a connection just made idle: as the most recently used, or (for maintenance, which hands back
     * connections that rested) as the least recently used.
     */
    void add(EndpointPool ep, PooledConnection<Req, Resp> pc, boolean leastRecentlyUsed) {
        if (!lifo) {
            if (leastRecentlyUsed) {
                ep.idle.offerFirst(pc);
            } else {
                ep.idle.offerLast(pc);
            }
        } else if (leastRecentlyUsed) {
            ep.idle.offerLast(pc);
        } else {
            // The most recent goes in the slot; the one it displaces is still more recent than the rest.
            PooledConnection<?, ?> displaced = ep.recent.getAndSet(pc);
            if (displaced != null) {
                ep.idle.offerFirst(displaced);
            }
        }
    }

    /** Puts back a candidate just taken by {@link #poll} and not used: at the most recent end of the list. */
    void putBack(EndpointPool ep, PooledConnection<Req, Resp> pc) {
        ep.idle.offerFirst(pc);
    }

    /** Closes every idle connection of {@code ep}, for {@code reason} (one a check or a caller holds is not idle). */
    void closeAll(EndpointPool ep, DestroyReason reason) {
        PooledConnection<Req, Resp> pc;
        while ((pc = poll(ep)) != null) {
            if (pc.claimIdleForClosing()) {
                pc.retire(reason);
                connections.closeClaimed(pc);
            }
        }
    }

    /**
     * Closes the least recently used idle connection of an endpoint other than {@code ep} in {@code all}, so a
     * caller of {@code ep} waiting because the client as a whole is full gets the room. False when no other
     * endpoint has one idle.
     */
    boolean closeOneElsewhere(EndpointPool ep, EndpointPool[] all) {
        for (EndpointPool other : all) {
            if (other == ep) {
                continue;
            }
            while (true) {
                PooledConnection<Req, Resp> oldest = pollOldest(other);
                if (oldest == null) {
                    break;
                }
                if (oldest.claimIdleForClosing()) {
                    oldest.retire(DestroyReason.IDLE);
                    connections.closeClaimed(oldest);
                    return true;
                }
            }
        }
        return false;
    }
}
