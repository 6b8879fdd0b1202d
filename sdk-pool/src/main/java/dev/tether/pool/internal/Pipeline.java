package dev.tether.pool.internal;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.DestroyReason;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection shared by several calls whose replies come back in request order (pipelining). There is no
 * thread of its own: the callers do the work in two roles, each held by at most one caller at a time.
 *
 * <ul>
 *   <li><b>Writer</b> (group commit): a caller that queues a request and finds no writer becomes it, and writes
 *       everything queued so far in one {@code write} (the TLS layer then makes as few records as it can); requests
 *       queued meanwhile go out in its next write. While the reader hands out replies that already arrived
 *       together, callers queue instead, and the reader writes what queued before it blocks again. A lone caller
 *       writes at once: there is no timer.</li>
 *   <li><b>Reader</b>: one caller reads replies in order, hands each to the caller it belongs to (an unpark), and
 *       when its own has come, passes the role to the waiting caller with the latest deadline.</li>
 * </ul>
 *
 * <p>The writer never reads while it writes (a peer that stops reading while its replies are not read would
 * otherwise block both sides), so it hands the reader role to another caller first.
 *
 * <p>Fate of a request when the connection fails (see sdk-pool/README.md, "Pipelining"): a reply already read
 * is delivered; a request written and not answered fails {@link RequestState#MAY_HAVE_BEEN_SENT}; a request not
 * written yet fails {@link RequestState#NOT_SENT}. A caller whose deadline passes leaves (NOT_SENT if its request
 * was still queued, which removes it) but a written request keeps its place: its reply is read and dropped. The
 * reader reads within its own deadline; when that passes first the connection is closed (nobody can tell where
 * the stream stands), as it is when only abandoned requests are left with nobody to read their replies.
 *
 * <p>The shared connection is {@code LEASED} to this pipeline for as long as anything is in flight on it; the
 * caller whose departure leaves nothing in flight gives it back to the pool ({@link ConnectionPool#release}),
 * where idle checks, keep-alive pings and exclusive callers see it like any other. A failed one is destroyed.
 * All state is guarded by one {@link ReentrantLock}, never held across I/O or parking.
 */
final class Pipeline<Req, Resp> {
    /**
     * The reader writes queued requests itself, without handing the writer role to another caller, when they
     * come to no more than this: a write this small finishes even while the peer is not reading (socket buffers
     * hold far more), so nobody needs to read meanwhile.
     */
    private static final int READER_WRITES_UP_TO = 16 * 1024;
    final PooledConnection<Req, Resp> pc;
    private final Pipelines.Shared shared;
    private final ConnectionPool<Req, Resp> pool;
    private final TimeSource time;
    private final int maxDepth;
    private final int maxQueuedBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Callers to wake once the lock is released ({@link #wake}): a caller woken while the lock is still held
     * would wake only to block on the lock and be woken again, a second context switch per request.
     */
    private final ArrayList<Thread> toWake = new ArrayList<>(4);
    private final ArrayDeque<PipelineEntry<Resp>> unsent = new ArrayDeque<>();
    private final ArrayDeque<PipelineEntry<Resp>> awaiting = new ArrayDeque<>();
    /** Used by the writer only. */
    private final WriteBatch batch = new WriteBatch();
    private PipelineEntry<Resp> writer;
    private PipelineEntry<Resp> reader;
    /**
     * The reader is handing out replies that were already buffered (it will not block before it is done): callers
     * it wakes, and others arriving meanwhile, queue their requests, and it writes them together before it
     * blocks on the next read. This is where most batches form; without it a caller finding no writer writes at
     * once.
     */
    private boolean delivering;
    /** Callers admitted ({@link #tryReserve}) that have not queued their request yet. */
    private int reserved;
    /** Reserved + queued + written and unanswered; read without the lock to pick the least loaded. */
    volatile int load;
    /** Bytes queued and not yet written. */
    volatile long queuedBytes;
    /** No more callers: given back or failed. */
    volatile boolean detached;
    private boolean failed;
    private final AtomicBoolean endClaimed = new AtomicBoolean();
    /** Set under the lock when the connection must be destroyed (failed) or given back (drained). */
    private volatile DestroyReason endWith;
    private volatile boolean giveBack;

    Pipeline(PooledConnection<Req, Resp> pc, Pipelines.Shared shared, ConnectionPool<Req, Resp> pool,
             TimeSource time, int maxDepth, int maxQueuedBytes) {
        this.pc = pc;
        this.shared = shared;
        this.pool = pool;
        this.time = time;
        this.maxDepth = maxDepth;
        this.maxQueuedBytes = maxQueuedBytes;
        this.reserved = 1; // for the caller that brought the connection
        this.load = 1;
    }

    /** Whether a caller may join (a hint read without the lock; {@link #tryReserve} decides). */
    boolean hasRoom() {
        return !detached && load < maxDepth && queuedBytes < maxQueuedBytes;
    }

    /** Admits one caller, which must then call {@link #exchange} exactly once; false when full or detached. */
    boolean tryReserve() {
        lock.lock();
        try {
            if (detached || load >= maxDepth || queuedBytes >= maxQueuedBytes) {
                return false;
            }
            reserved++;
            load++;
            return true;
        } finally {
            unlockAndWake();
        }
    }

    /** Requests in flight (admitted, queued, or written and unanswered). */
    int load() {
        return load;
    }

    /**
     * Sends {@code request} on the shared connection and waits for its reply, within {@code deadline}. The
     * caller must hold a reservation ({@link #tryReserve}, or the connection it brought).
     */
    Resp exchange(Req request, Deadline deadline) throws TetherException {
        ByteBuffer frame;
        try {
            frame = pc.framed.codec().encode(request);
        } catch (ProtocolViolationException e) {
            unreserve();
            throw new ProtocolViolationException("cannot send request: " + e.getMessage(), pc.endpoint.endpoint,
                    RequestState.NOT_SENT, e);
        } catch (RuntimeException | Error e) {
            unreserve();
            throw e;
        }
        PipelineEntry<Resp> e = new PipelineEntry<>(frame, deadline, Thread.currentThread());
        lock.lock();
        try {
            reserved--;
            if (failed) {
                load--;
                throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY,
                        pc.endpoint.endpoint, RequestState.NOT_SENT, "the shared connection failed before this request was queued", null);
            }
            unsent.addLast(e);
            queuedBytes += e.size;
            return run(e);
        } finally {
            if (!e.leftUnlocked) {
                unlockAndWake();
            }
            finish();
        }
    }

    /** A caller admitted but leaving before it queued anything. */
    private void unreserve() {
        lock.lock();
        try {
            reserved--;
            load--;
            drainedCheck();
        } finally {
            unlockAndWake();
            finish();
        }
        shared.roomFreed();
    }

    /** The caller's loop, lock held: take a free role, do its work, or park until answered or given a role. */
    private Resp run(PipelineEntry<Resp> e) throws TetherException {
        while (true) {
            if (e.outcome != PipelineEntry.PENDING) {
                if (reader == e) {
                    delivering = false;
                    if (writer == null && !unsent.isEmpty() && queuedBytes <= READER_WRITES_UP_TO) {
                        // What queued while it delivered goes out now, saving a wake-up to hand over the writing.
                        writer = e;
                        write(e, true);
                    }
                }
                passRoles(e);
                return outcome(e);
            }
            long left = e.deadline.remainingNanos();
            if (left <= 0) {
                throw abandon(e, null);
            }
            if (writer == null && !unsent.isEmpty() && reader != e && !delivering) {
                writer = e;
            }
            if (writer == e) {
                write(e, false);
                continue;
            }
            if (reader == e && awaiting.isEmpty()) {
                reader = null; // nothing to read yet
                delivering = false;
            }
            if (reader == null && !awaiting.isEmpty() && e.written) {
                reader = e; // only a caller whose request is out: one still queued must be free to write it
            }
            if (reader == e) {
                read(e);
                continue;
            }
            unlockAndWake();
            try {
                time.park(this, left);
            } catch (RuntimeException | Error t) {
                lock.lock(); // exchange's finally releases it, and wakes nobody it has not queued
                throw t;
            }
            if (e.outcome == PipelineEntry.ANSWERED && reader != e && writer != e) {
                // Answered by the reader while parked, holding no role: nothing to hand on, so it leaves without
                // taking the lock again (the reader already counted the request out). Roles go only to callers
                // still waiting, so one answered cannot be given one meanwhile.
                e.leftUnlocked = true;
                return e.reply;
            }
            lock.lock();
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                if (e.outcome == PipelineEntry.PENDING) {
                    throw abandon(e, new CallInterruptedException(pc.endpoint.endpoint,
                            e.written ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT, null));
                }
            }
        }
    }

    /** Wakes {@code t} once the lock is released; lock held. */
    private void wake(Thread t) {
        toWake.add(t);
    }

    /** Releases the lock, then wakes the callers queued for it by {@link #wake}. */
    private void unlockAndWake() {
        int n = toWake.size();
        if (n == 0) {
            lock.unlock();
            return;
        }
        Thread[] wake = toWake.toArray(new Thread[n]);
        toWake.clear();
        lock.unlock();
        for (Thread t : wake) {
            LockSupport.unpark(t);
        }
    }

    private Resp outcome(PipelineEntry<Resp> e) throws TetherException {
        if (e.outcome == PipelineEntry.ANSWERED) {
            return e.reply;
        }
        throw e.failure;
    }

    /**
     * The writer's turn, lock held: everything queued goes out in one write. {@code asReader}: the reader writes a
     * small batch and keeps reading afterwards.
     */
    private void write(PipelineEntry<Resp> e, boolean asReader) {
        Deadline latest = null;
        PipelineEntry<Resp> x;
        while ((x = unsent.pollFirst()) != null) {
            x.written = true;
            awaiting.addLast(x);
            batch.add(x);
            if (latest == null || x.deadline.remainingNanos() > latest.remainingNanos()) {
                latest = x.deadline;
            }
        }
        queuedBytes = 0;
        if (!asReader && (reader == null || reader == e)) {
            // Someone else must read while this caller writes; with nobody else, it reads after writing.
            PipelineEntry<Resp> next = liveLatest(e, e);
            if (next != null) {
                reader = next;
                wake(next.thread);
            } else if (reader == e) {
                reader = null;
            }
        }
        unlockAndWake();
        Throwable failure = null;
        try {
            pc.connection.write(batch.gathered(), latest);
        } catch (TetherException | RuntimeException | Error t) {
            pc.connection.markBroken(t);
            failure = t;
        } finally {
            lock.lock();
        }
        int n = batch.size();
        batch.clear();
        if (failure != null) {
            failAll(e, failure);
            return;
        }
        shared.recordWrite(n);
        if (unsent.isEmpty() || asReader) {
            writer = null;
        }
    }

    /**
     * The reader's turn, lock held: one reply, handed to the caller at the head of the line. Before it blocks for
     * more (nothing complete buffered), requests queued while it delivered go out: written here when small,
     * else by the first of their callers.
     */
    private void read(PipelineEntry<Resp> e) {
        if (delivering && !pc.framed.hasBufferedInput()) {
            delivering = false;
        }
        if (!delivering && writer == null && !unsent.isEmpty() && queuedBytes <= READER_WRITES_UP_TO) {
            writer = e;
            write(e, true);
            if (failed) {
                return;
            }
        }
        if (!delivering && writer == null && !unsent.isEmpty()) {
            // Large, or queued during the write just made: the first of their callers writes them.
            writer = unsent.peekFirst();
            wake(writer.thread);
        }
        unlockAndWake();
        Resp reply = null;
        Throwable failure = null;
        try {
            reply = pc.framed.receive(e.deadline);
        } catch (TetherException | RuntimeException | Error t) {
            failure = t;
        } finally {
            lock.lock();
        }
        if (failure != null) {
            failAll(e, failure);
            return;
        }
        PipelineEntry<Resp> head = awaiting.pollFirst();
        if (head == null) {
            // Cannot happen while only the reader takes from the line; if it does, nobody can tell whose reply it was.
            failAll(e, new ProtocolViolationException("a reply nobody asked for", pc.endpoint.endpoint,
                    RequestState.MAY_HAVE_BEEN_SENT, null));
            return;
        }
        load--;
        shared.roomFreed();
        // More replies already here: hand them out before anything is written (requests queue meanwhile).
        delivering = pc.framed.hasBufferedInput();
        if (head.outcome == PipelineEntry.PENDING && !head.abandoned) {
            head.reply = reply;
            head.outcome = PipelineEntry.ANSWERED;
            if (head != e) {
                wake(head.thread);
            }
        }
    }

    /**
     * The caller leaves before its reply: a queued request is taken out (NOT_SENT); a written one keeps its place
     * and its reply will be read and dropped. Returns the exception to throw. Lock held.
     */
    private TetherException abandon(PipelineEntry<Resp> e, TetherException why) {
        TetherException failure;
        if (!e.written) {
            unsent.remove(e);
            queuedBytes -= e.size;
            load--;
            e.outcome = PipelineEntry.FAILED;
            failure = why != null ? why : new TimedOutException(TimedOutException.Phase.ACQUIRE, pc.endpoint.endpoint,
                    e.deadline.budget(), RequestState.NOT_SENT, null);
            shared.roomFreed();
        } else {
            e.abandoned = true;
            failure = why != null ? why : new TimedOutException(TimedOutException.Phase.READ, pc.endpoint.endpoint,
                    e.deadline.budget(), RequestState.MAY_HAVE_BEEN_SENT, null);
        }
        e.failure = failure;
        passRoles(e);
        return failure;
    }

    /** A caller leaving hands its roles to others who still wait, lock held; may end the pipeline. */
    private void passRoles(PipelineEntry<Resp> e) {
        if (writer == e) {
            writer = null;
        }
        if (reader == e) {
            reader = null;
            delivering = false;
        }
        if (failed) {
            return;
        }
        if (writer == null && !unsent.isEmpty()) {
            PipelineEntry<Resp> next = unsent.peekFirst(); // queued requests are live: a caller giving up takes its out
            writer = next;
            wake(next.thread);
        }
        if (reader == null && !awaiting.isEmpty()) {
            PipelineEntry<Resp> next = liveLatest(writer, null);
            if (next != null) {
                reader = next;
                wake(next.thread);
            } else if (writer == null && reserved == 0) {
                // Only abandoned requests are in flight and nobody waits: nobody would read their replies.
                failAll(null, new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY,
                        pc.endpoint.endpoint, RequestState.MAY_HAVE_BEEN_SENT,
                        "every caller waiting on the shared connection gave up; it cannot be realigned", null));
                return;
            }
        }
        drainedCheck();
    }

    /**
     * The live caller with the latest deadline whose request is written, other than {@code not1} and
     * {@code not2}; null if none. (A caller whose request is still queued never reads: it may have to write it.)
     */
    private PipelineEntry<Resp> liveLatest(PipelineEntry<Resp> not1, PipelineEntry<Resp> not2) {
        PipelineEntry<Resp> best = null;
        long bestLeft = Long.MIN_VALUE;
        for (PipelineEntry<Resp> x : awaiting) {
            if (x != not1 && x != not2 && x.live()) {
                long left = x.deadline.remainingNanos();
                if (best == null || left >= bestLeft) {
                    best = x;
                    bestLeft = left;
                }
            }
        }
        return best;
    }

    /** Nothing in flight any more: the connection goes back to the pool. Lock held. */
    private void drainedCheck() {
        if (load == 0 && !detached) {
            detached = true;
            giveBack = true;
        }
    }

    /**
     * The connection failed: replies read are delivered already; written requests fail MAY_HAVE_BEEN_SENT, queued
     * ones NOT_SENT (retried elsewhere); the connection is destroyed. {@code self} (may be null) gets
     * {@code cause} itself. Lock held.
     */
    private void failAll(PipelineEntry<Resp> self, Throwable cause) {
        if (failed) {
            return;
        }
        failed = true;
        detached = true;
        delivering = false;
        endWith = DestroyReason.BROKEN;
        TetherException tc = cause instanceof TetherException t ? t : null;
        // A reader that already has its reply (it was writing for others on its way out) keeps it.
        boolean selfPending = self != null && self.outcome == PipelineEntry.PENDING;
        for (PipelineEntry<Resp> x : awaiting) {
            if (x.outcome == PipelineEntry.PENDING && !x.abandoned) {
                x.failure = x == self && tc != null ? tc : PipelineEntry.connectionFailed(pc.endpoint.endpoint, cause, RequestState.MAY_HAVE_BEEN_SENT);
                x.outcome = PipelineEntry.FAILED;
                if (x != self) {
                    wake(x.thread);
                }
            }
        }
        for (PipelineEntry<Resp> x : unsent) {
            x.failure = PipelineEntry.connectionFailed(pc.endpoint.endpoint, cause, RequestState.NOT_SENT);
            x.outcome = PipelineEntry.FAILED;
            if (x != self) {
                wake(x.thread);
            }
        }
        awaiting.clear();
        unsent.clear();
        queuedBytes = 0;
        load = reserved;
        writer = null;
        reader = null;
        if (self != null && self.outcome == PipelineEntry.PENDING) {
            self.failure = tc != null ? tc : PipelineEntry.connectionFailed(pc.endpoint.endpoint, cause, RequestState.MAY_HAVE_BEEN_SENT);
            self.outcome = PipelineEntry.FAILED;
        }
        if (tc == null && cause instanceof RuntimeException r && selfPending) {
            // A codec or transport bug on this caller's thread: it sees the original; the others a typed failure.
            throw r;
        }
        if (tc == null && cause instanceof Error err && selfPending) {
            throw err;
        }
    }

    /** After the lock is released: destroys a failed connection or gives back a drained one, exactly once. */
    private void finish() {
        if ((endWith == null && !giveBack) || !endClaimed.compareAndSet(false, true)) {
            return;
        }
        shared.detach(this);
        pool.release(pc, endWith);
        shared.roomFreed();
    }

    @Override
    public String toString() {
        return "Pipeline[" + pc + ", load " + load + "]";
    }
}
