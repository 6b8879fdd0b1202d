package dev.tether.pool.internal;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.CallInterruptedException;
import dev.tether.pool.DestroyReason;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * All state is guarded by one lock ({@link DeferredWakeLock}), never held across I/O or parking.
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
    /** Callers are woken ({@code wake}) only once it is released ({@code unlockAndWake}). */
    private final DeferredWakeLock lock = new DeferredWakeLock();
    /** The requests ({@code unsent}, then {@code awaiting}) and the counts read without the lock. */
    private final PipelineQueue<Resp> queue;
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
        this.queue = new PipelineQueue<>(maxDepth, maxQueuedBytes); // counts the caller that brought the connection
    }

    /** Whether a caller may join (a hint read without the lock; {@link #tryReserve} decides). */
    boolean hasRoom() {
        return !detached && queue.hasRoom();
    }

    /** Admits one caller, which must then call {@link #exchange} exactly once; false when full or detached. */
    boolean tryReserve() {
        lock.lock();
        try {
            if (detached || !queue.hasRoom()) {
                return false;
            }
            queue.reserve();
            return true;
        } finally {
            lock.unlockAndWake();
        }
    }

    /** Requests in flight (admitted, queued, or written and unanswered). */
    int load() {
        return queue.load();
    }

    /**
     * Sends {@code request} on the shared connection and waits for its reply, within the call's deadline. The
     * caller must hold a reservation ({@link #tryReserve}, or the connection it brought). A failure that is
     * another caller's (the connection failed under someone else's write or read) sets
     * {@link CallState#failedSecondhand}: one broken connection is one failure of its endpoint, not one per request
     * that was on it.
     */
    Resp exchange(Req request, CallState st) throws TetherException {
        Deadline deadline = st.deadline;
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
            if (failed) {
                queue.unreserve();
                st.failedSecondhand = true;
                throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY,
                        pc.endpoint.endpoint, RequestState.NOT_SENT, "the shared connection failed before this request was queued", null);
            }
            queue.add(e);
            return run(e);
        } catch (TetherException t) {
            if (e.secondhand) {
                st.failedSecondhand = true;
            }
            throw t;
        } finally {
            if (!e.leftUnlocked) {
                lock.unlockAndWake();
            }
            finish();
        }
    }

    /** A caller admitted but leaving before it queued anything. */
    private void unreserve() {
        lock.lock();
        try {
            queue.unreserve();
            drainedCheck();
        } finally {
            lock.unlockAndWake();
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
                    if (writer == null && queue.hasUnsent() && queue.queuedBytes() <= READER_WRITES_UP_TO) {
                        // What queued while it delivered goes out now, saving a wake-up to hand over the writing.
                        writer = e;
                        write(e, true);
                    }
                }
                passRoles(e);
                return e.result();
            }
            long left = e.deadline.remainingNanos();
            if (left <= 0) {
                throw abandon(e, null);
            }
            if (writer == null && queue.hasUnsent() && reader != e && !delivering) {
                writer = e;
            }
            if (writer == e) {
                write(e, false);
                continue;
            }
            if (reader == e && !queue.hasAwaiting()) {
                reader = null; // nothing to read yet
                delivering = false;
            }
            if (reader == null && queue.hasAwaiting() && e.written) {
                reader = e; // only a caller whose request is out: one still queued must be free to write it
            }
            if (reader == e) {
                read(e);
                continue;
            }
            lock.unlockAndWake();
            try {
                time.park(this, left);
            } catch (RuntimeException | Error t) {
                lock.lock(); // exchange's finally releases it
                // Leave like a caller whose deadline passed: its request out of the queue or left to be read and
                // dropped, its roles handed on. Left counted in, it would hold room and maybe a role for nobody.
                if (e.outcome == PipelineEntry.PENDING) {
                    abandon(e, null);
                } else {
                    passRoles(e);
                }
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

    /**
     * The writer's turn, lock held: everything queued goes out in one write. {@code asReader}: the reader writes a
     * small batch and keeps reading afterwards.
     */
    private void write(PipelineEntry<Resp> e, boolean asReader) {
        if (!asReader && queue.hasAwaiting() && VirtualThreads.current()) {
            // Requests are out and unanswered, so this batch's replies come after theirs whenever it is written:
            // first let the threads that are ready to run (callers just handed a reply, about to send their next
            // request) queue theirs, and they go out in this write. One yield, not a timer; a caller with nothing
            // in flight before it writes at once. Virtual threads only: theirs is a cheap hand-over of the carrier,
            // a platform thread's a sched_yield that cut Redis's CPU but not the client's wake-ups, and the rate
            // fell (benchmarks/README.md).
            lock.unlockAndWake();
            Thread.yield();
            lock.lock();
            if (failed || writer != e) {
                return; // failed meanwhile: every request has its fate, this caller's too
            }
            if (e.deadline.remainingNanos() <= 0) {
                // Its deadline passed during the yield: the caller's loop leaves (a queued request of its own goes
                // out of the queue, NOT_SENT) and hands the writer role to the first caller still queued.
                return;
            }
            if (!queue.hasUnsent()) {
                writer = null; // every queued caller gave up meanwhile (deadline, interrupt): nothing to write
                return;
            }
        }
        boolean wasFullOfBytes = queue.fullOfBytes();
        Deadline latest = queue.takeUnsent(batch);
        if (wasFullOfBytes) {
            shared.roomFreed(); // the queued bytes are taken for writing: room again for a caller in line
        }
        if (!asReader && (reader == null || reader == e)) {
            // Someone else must read while this caller writes; with nobody else, it reads after writing.
            PipelineEntry<Resp> next = queue.liveLatest(e, e);
            if (next != null) {
                reader = next;
                lock.wake(next.thread);
            } else if (reader == e) {
                reader = null;
            }
        }
        lock.unlockAndWake();
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
        if (!queue.hasUnsent() || asReader) {
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
        if (!delivering && writer == null && queue.hasUnsent() && queue.queuedBytes() <= READER_WRITES_UP_TO) {
            writer = e;
            write(e, true);
            if (failed) {
                return;
            }
        }
        if (!delivering && writer == null && queue.hasUnsent()) {
            // Large, or queued during the write just made: the first of their callers writes them.
            writer = queue.firstUnsent();
            lock.wake(writer.thread);
        }
        lock.unlockAndWake();
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
        PipelineEntry<Resp> head = queue.takeAnswered(); // counts it out
        if (head == null) {
            // Cannot happen while only the reader takes from the line; if it does, nobody can tell whose reply it was.
            failAll(e, new ProtocolViolationException("a reply nobody asked for", pc.endpoint.endpoint,
                    RequestState.MAY_HAVE_BEEN_SENT, null));
            return;
        }
        shared.roomFreed();
        // More replies already here: hand them out before anything is written (requests queue meanwhile).
        delivering = pc.framed.hasBufferedInput();
        if (head.answer(reply) && head != e) {
            lock.wake(head.thread);
        }
    }

    /**
     * The caller leaves before its reply: a queued request is taken out (NOT_SENT); a written one keeps its place
     * and its reply will be read and dropped. Returns the exception to throw. Lock held.
     */
    private TetherException abandon(PipelineEntry<Resp> e, TetherException why) {
        TetherException failure = queue.abandon(e, why, pc.endpoint.endpoint);
        if (!e.written) {
            shared.roomFreed(); // taken out of the queue
        }
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
        if (writer == null && queue.hasUnsent()) {
            PipelineEntry<Resp> next = queue.firstUnsent(); // queued requests are live: a caller giving up takes its out
            writer = next;
            lock.wake(next.thread);
        }
        if (reader == null && queue.hasAwaiting()) {
            PipelineEntry<Resp> next = queue.liveLatest(writer, null);
            if (next != null) {
                reader = next;
                lock.wake(next.thread);
            } else if (writer == null && queue.noneReserved()) {
                // Only abandoned requests are in flight and nobody waits: nobody would read their replies.
                failAll(null, new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY,
                        pc.endpoint.endpoint, RequestState.MAY_HAVE_BEEN_SENT,
                        "every caller waiting on the shared connection gave up; it cannot be realigned", null));
                return;
            }
        }
        drainedCheck();
    }

    /** Nothing in flight any more: the connection goes back to the pool. Lock held. */
    private void drainedCheck() {
        if (queue.drained() && !detached) {
            detached = true;
            giveBack = true;
        }
    }

    /**
     * The connection failed: replies read are delivered already; written requests fail MAY_HAVE_BEEN_SENT, queued
     * ones NOT_SENT (retried elsewhere; {@link PipelineQueue#failAll}); the connection is destroyed. {@code self}
     * (may be null) gets {@code cause} itself, thrown if unchecked. Lock held.
     */
    private void failAll(PipelineEntry<Resp> self, Throwable cause) {
        if (failed) {
            return;
        }
        failed = true;
        detached = true;
        delivering = false;
        endWith = DestroyReason.BROKEN;
        writer = null;
        reader = null;
        queue.failAll(self, cause, pc.endpoint.endpoint, lock); // may throw cause itself, on self's thread
    }

    /**
     * After the lock is released: destroys a failed connection or gives back a drained one, exactly once; in the
     * pool before off the list, so the caller woken here finds it there ({@link Pipelines#join}).
     */
    private void finish() {
        if ((endWith == null && !giveBack) || !endClaimed.compareAndSet(false, true)) {
            return;
        }
        pool.release(pc, endWith);
        shared.detach(this);
        shared.roomFreed();
    }

    /** Where it stands, for a caller that waited in vain (read without the lock: a snapshot, maybe torn). */
    String state() {
        return "load " + queue.load() + " (" + queue.describe() + "), writer " + (writer != null) + ", reader "
                + (reader != null) + (delivering ? ", delivering" : "") + (detached ? ", detached" : "")
                + (failed ? ", failed" : "");
    }

    @Override
    public String toString() {
        return "Pipeline[" + pc + ", load " + queue.load() + "]";
    }
}
