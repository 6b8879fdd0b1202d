package dev.tether.pool.internal;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.PoolExhaustedException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The shared (pipelined) connections of each endpoint, for calls that may share one
 * ({@link dev.tether.pool.PoolSettings#pipelineDepth()} above 1, a codec whose replies come in order, not a lease
 * nor an exclusive call). A call joins the least loaded shared connection with room; when all are full it takes
 * another connection from the {@link ConnectionPool} (an idle one or new room, without queueing behind exclusive
 * callers); when there is none, it waits for room on a shared one, bounded like any acquire by the acquire timeout
 * and its deadline. Shared connections come from the pool's own room ({@link Capacity}), so they count against
 * the same limits, and go back to it as soon as nothing is in flight on them (see {@link Pipeline}).
 */
final class Pipelines<Req, Resp> {
    /** One endpoint's shared connections and figures. */
    static final class Shared {
        final CopyOnWriteArrayList<Pipeline<?, ?>> attached = new CopyOnWriteArrayList<>();
        /**
         * Callers waiting for room on a shared connection, oldest first. Only the oldest may take room while
         * others wait (no barging, as in {@link Waiters}); it leaves the line once served or gone.
         */
        final ConcurrentLinkedQueue<Thread> roomWaiters = new ConcurrentLinkedQueue<>();
        /**
         * Counts wake-ups of waiters ({@link #roomFreed} finding one, {@link #wakeAll}). The oldest waiter reads it
         * before it looks and parks only if it has not moved since: the unpark meant for it may have been spent by
         * a park inside its look (a lock, or the socket I/O of a connect), and then nothing else would wake it while
         * the callers behind it wait too. Room freed while nobody is in line needs no count: a caller joins the line
         * before its last look, so that look sees the room.
         */
        final java.util.concurrent.atomic.AtomicLong roomEvents = new java.util.concurrent.atomic.AtomicLong();
        /** Writes on shared connections, and the requests they carried (batch size = requests / writes). */
        final LongAdder writes = new LongAdder();
        final LongAdder requestsWritten = new LongAdder();
        /** Callers taking a connection from the pool for a new shared one; others wait for it instead of queueing. */
        final java.util.concurrent.atomic.AtomicInteger connecting = new java.util.concurrent.atomic.AtomicInteger();

        void recordWrite(int requests) {
            writes.increment();
            requestsWritten.add(requests);
        }

        /** Wakes every caller waiting for room (their endpoint was removed): each looks again. */
        void wakeAll() {
            roomEvents.incrementAndGet();
            roomWaiters.forEach(LockSupport::unpark);
        }

        /** Wakes the oldest caller waiting for room, if any: it looks again. */
        void roomFreed() {
            wakeOldestBut(null);
        }

        /**
         * The caller {@code me} stops taking a connection for sharing ({@link #connecting} counted it): wakes the
         * oldest in line unless that is {@code me}. Whoever found the count above zero waited for this moment (a
         * caller with no shared connection to join leaves the taking to the one holding it), so every way out
         * wakes it: a new shared connection to join, a failed connect, or nothing taken after all. Before, the last
         * two decremented in silence, and a waiter that had looked while the count was up slept through its whole
         * acquire timeout with an idle connection in the pool (6 stalls in 113 runs of the Redis benchmark).
         */
        void connectingDone(Thread me) {
            connecting.decrementAndGet();
            wakeOldestBut(me);
        }

        /** Wakes the oldest caller in line, counted in {@link #roomEvents}, unless it is {@code me} (may be null). */
        private void wakeOldestBut(Thread me) {
            Thread t = roomWaiters.peek();
            if (t != null && t != me) {
                // Only when someone waits: every reply read on a shared connection comes through roomFreed.
                roomEvents.incrementAndGet();
                LockSupport.unpark(t);
            }
        }

        void detach(Pipeline<?, ?> p) {
            attached.remove(p);
        }

        /** Requests in flight on this endpoint's shared connections right now. */
        int inFlight() {
            int n = 0;
            for (Pipeline<?, ?> p : attached) {
                n += p.load();
            }
            return n;
        }
    }

    private final ConnectionPool<Req, Resp> pool;
    private final TimeSource time;
    private final int depth;
    private final int maxQueuedBytes;
    private final long acquireTimeoutNanos;
    private final int maxPerEndpoint;

    Pipelines(ConnectionPool<Req, Resp> pool, TimeSource time, int depth, int maxQueuedBytes, Duration acquireTimeout,
              int maxPerEndpoint) {
        this.maxPerEndpoint = maxPerEndpoint;
        this.pool = pool;
        this.time = time;
        this.depth = depth;
        this.maxQueuedBytes = maxQueuedBytes;
        this.acquireTimeoutNanos = acquireTimeout.toNanos();
    }

    static Shared shared(EndpointPool ep) {
        Object s = ep.shared.get();
        if (s == null) {
            ep.shared.compareAndSet(null, new Shared());
            s = ep.shared.get();
        }
        return (Shared) s;
    }

    /**
     * The pool of {@code ep} gained a connection a caller may take (one went idle) or room for a new one (one was
     * destroyed): the oldest caller waiting for room on a shared connection looks again. When every shared one is
     * full it waits for a reply to make room, and takes another connection only when one is there as it looks; an
     * exclusive caller giving one back, or a broken one making room, must tell it, or it sleeps behind a slow reply
     * with a connection idle beside it. Cheap when nobody shares or waits: a read and a peek.
     */
    static void poolGainedRoom(EndpointPool ep) {
        Object s = ep.shared.get();
        if (s != null) {
            ((Shared) s).roomFreed();
        }
    }

    /**
     * Admits the call to a shared connection of {@code ep} (recorded in {@code st.pipeline}) and returns that
     * connection; the call must then {@link Pipeline#exchange} on it exactly once. Throws what taking a
     * connection throws (connect failures, a full pool, an interrupt), all before anything was sent.
     */
    PooledConnection<Req, Resp> join(EndpointPool ep, CallState st, long start) throws TetherException {
        Shared s = shared(ep);
        Thread me = Thread.currentThread();
        boolean queued = false;
        long until = 0;
        try {
            while (true) {
                long seen = s.roomEvents.get();
                if (ep.draining) {
                    // Removed from the set while this caller looked or waited: it picks another endpoint.
                    throw ConnectionPool.removed(ep);
                }
                // With callers waiting, only the oldest takes room; a newcomer queues behind them.
                boolean myTurn = queued ? s.roomWaiters.peek() == me : s.roomWaiters.isEmpty();
                if (myTurn) {
                    Pipeline<Req, Resp> p = leastLoaded(s);
                    if (p != null) {
                        if (p.tryReserve()) {
                            st.pipeline = p;
                            return p.pc;
                        }
                        continue;
                    }
                    // Nothing shared with room. With no shared connection, one caller at a time (holding the
                    // token) takes one from the pool, waiting there like any caller (exclusive callers give
                    // connections back to it); the others wait for it to be shared. With shared ones all full, a
                    // caller takes another only if one is there now (an idle one or free room), else waits. With
                    // every listed one handing its connection back (drained or failed, not yet off the list), the
                    // caller waits too: that hand-back wakes the oldest in line, which then takes the connection
                    // from the pool. Taking "another" there opened a new connection (a TLS handshake) while the
                    // drained one went idle: 1 to 18 needless connections per benchmark run at 32 callers. One
                    // snapshot of the list decides: judged from two, a shared connection that joined or left the
                    // list in between looked like "all full" and made the caller open another.
                    int shape = shape(s);
                    if (shape == ROOM) {
                        continue; // room appeared since the look above
                    }
                    PooledConnection<Req, Resp> pc = null;
                    boolean first = shape == NONE;
                    if (first && s.connecting.compareAndSet(0, 1)) {
                        if (!s.attached.isEmpty()) {
                            // One was attached (and its maker done) between the two looks: join it instead.
                            s.connectingDone(me);
                            continue;
                        }
                        pc = attachNew(s, () -> pool.acquire(ep, st.deadline, start), st);
                    } else if (shape == FULL) {
                        s.connecting.incrementAndGet();
                        pc = attachNew(s, () -> pool.tryAcquire(ep, st.deadline, time.nanoTime()), st);
                    }
                    if (pc != null) {
                        return pc;
                    }
                }
                if (!queued) {
                    // In line before looking again: room freed after that look wakes the oldest in line.
                    queued = true;
                    s.roomWaiters.add(me);
                    until = start + Math.min(acquireTimeoutNanos, Math.max(0, st.deadline.remainingNanos()));
                    continue;
                }
                long left = until - time.nanoTime();
                if (left <= 0) {
                    // Every connection is busy: shared ones full (depth x connections in flight), the rest exclusive.
                    int idle = ep.idleCount();
                    throw new PoolExhaustedException(ep.endpoint, Duration.ofNanos(time.nanoTime() - start),
                            maxPerEndpoint, Math.max(0, ep.live.size() - idle), idle, s.roomWaiters.size(),
                            describe(s));
                }
                // Only the oldest looks (and may spend its unpark inside the look); the others are woken by the
                // one ahead of them leaving, and do nothing that parks before they park.
                if (!myTurn || s.roomEvents.get() == seen) {
                    time.park(this, left);
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new CallInterruptedException(ep.endpoint, RequestState.NOT_SENT, null);
                }
            }
        } finally {
            if (queued) {
                s.roomWaiters.remove(me);
            }
            if (queued || st.pipeline != null) {
                // Served (room may be left) or gone: the next in line looks now.
                s.roomFreed();
            }
        }
    }

    private interface Take<Req, Resp> {
        PooledConnection<Req, Resp> take() throws TetherException;
    }

    /**
     * Takes a connection for a new shared one (the caller has counted itself in {@code s.connecting}); it becomes
     * the call's pipeline, with the call admitted. Null when {@code take} found none.
     */
    private PooledConnection<Req, Resp> attachNew(Shared s, Take<Req, Resp> take, CallState st) throws TetherException {
        try {
            PooledConnection<Req, Resp> pc = take.take();
            if (pc != null) {
                Pipeline<Req, Resp> fresh = new Pipeline<>(pc, s, pool, time, depth, maxQueuedBytes);
                s.attached.add(fresh);
                st.pipeline = fresh;
            }
            return pc;
        } finally {
            // Not this caller itself when it is the oldest in line and found nothing: it would only wake to spin.
            s.connectingDone(Thread.currentThread());
        }
    }

    /** The shared connections' state, for a caller that waited in vain: what it was waiting on. */
    private String describe(Shared s) {
        long handingBack = s.attached.stream().filter(p -> p.detached).count();
        return "pipelined (depth " + depth + "): " + s.attached.size() + " shared connection(s) with "
                + s.inFlight() + " request(s) in flight, " + handingBack + " being handed back, "
                + s.connecting.get() + " caller(s) taking a connection for sharing"
                + s.attached.stream().map(p -> "; " + p.state()).collect(java.util.stream.Collectors.joining());
    }

    /** {@link #shape}: no shared connection listed. */
    private static final int NONE = 0;
    /** {@link #shape}: every one listed is handing its connection back (takes no callers any more). */
    private static final int HANDING_BACK = 1;
    /** {@link #shape}: some take callers, none has room. */
    private static final int FULL = 2;
    /** {@link #shape}: one has room. */
    private static final int ROOM = 3;

    /** What one snapshot of the listed shared connections offers (the list's iterator is a snapshot). */
    private static int shape(Shared s) {
        int shape = NONE;
        for (Pipeline<?, ?> p : s.attached) {
            if (p.hasRoom()) {
                return ROOM;
            }
            shape = p.detached ? Math.max(shape, HANDING_BACK) : FULL;
        }
        return shape;
    }

    /** The shared connection with room and the fewest requests in flight; null when none has room. */
    @SuppressWarnings("unchecked")
    private Pipeline<Req, Resp> leastLoaded(Shared s) {
        Pipeline<?, ?> best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (Pipeline<?, ?> p : s.attached) {
            int load = p.load();
            if (load < bestLoad && p.hasRoom()) {
                best = p;
                bestLoad = load;
            }
        }
        return (Pipeline<Req, Resp>) best;
    }

    /**
     * The figures of {@code ep}'s shared connections: connections, in flight, writes, requests written, callers
     * waiting for room.
     */
    long[] figures(EndpointPool ep) {
        Shared s = (Shared) ep.shared.get();
        if (s == null) {
            return new long[5];
        }
        return new long[] {s.attached.size(), s.inFlight(), s.writes.sum(), s.requestsWritten.sum(),
                s.roomWaiters.size()};
    }
}
