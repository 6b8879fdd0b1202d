package dev.tether.pool.internal;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import java.util.ArrayDeque;

/**
 * The requests on one shared connection and their counts, for its {@link Pipeline}: queued and not written yet
 * ({@code unsent}), written with the reply not read yet ({@code awaiting}, in request order, which is reply
 * order), and callers admitted that have not queued yet. It moves each request along as it is queued, written,
 * answered, given up on, or failed with the connection. Not thread-safe: used only with the pipeline's lock held;
 * {@link #load} and {@link #queuedBytes} alone are also read without it (volatile), to pick a connection.
 */
final class PipelineQueue<Resp> {
    private final int maxDepth;
    private final int maxQueuedBytes;
    private final ArrayDeque<PipelineEntry<Resp>> unsent = new ArrayDeque<>();
    private final ArrayDeque<PipelineEntry<Resp>> awaiting = new ArrayDeque<>();
    /** Callers admitted ({@link #reserve}) that have not queued their request yet. */
    private int reserved;
    /** Reserved + queued + written and unanswered; read without the lock to pick the least loaded. */
    private volatile int load;
    /** Bytes queued and not yet written. */
    private volatile long queuedBytes;

    PipelineQueue(int maxDepth, int maxQueuedBytes) {
        this.maxDepth = maxDepth;
        this.maxQueuedBytes = maxQueuedBytes;
        this.reserved = 1; // for the caller that brought the connection
        this.load = 1;
    }

    /** Room for one more caller: fewer than the depth in flight, less than the byte bound queued. */
    boolean hasRoom() {
        return load < maxDepth && !fullOfBytes();
    }

    /** The bytes queued have reached the bound: no room for another caller until they are written. */
    boolean fullOfBytes() {
        return queuedBytes >= maxQueuedBytes;
    }

    /** Requests in flight (admitted, queued, or written and unanswered); read without the lock too. */
    int load() {
        return load;
    }

    /** Bytes queued and not yet written. */
    long queuedBytes() {
        return queuedBytes;
    }

    /** Admits one caller (after {@link #hasRoom}). */
    void reserve() {
        reserved++;
        load++;
    }

    /** An admitted caller leaves without queuing a request. */
    void unreserve() {
        reserved--;
        load--;
    }

    /** An admitted caller queues its request. */
    void add(PipelineEntry<Resp> e) {
        reserved--;
        unsent.addLast(e);
        queuedBytes += e.size;
    }

    /** The counts, for diagnostics (read without the lock). */
    String describe() {
        return reserved + " admitted, " + unsent.size() + " queued (" + queuedBytes + " bytes), " + awaiting.size()
                + " written";
    }

    /** Nothing admitted, queued or in flight. */
    boolean drained() {
        return load == 0;
    }

    /** No admitted caller is yet to queue its request. */
    boolean noneReserved() {
        return reserved == 0;
    }

    boolean hasUnsent() {
        return !unsent.isEmpty();
    }

    /** The oldest queued request, null if none. */
    PipelineEntry<Resp> firstUnsent() {
        return unsent.peekFirst();
    }

    boolean hasAwaiting() {
        return !awaiting.isEmpty();
    }

    /**
     * Everything queued, in order, goes into {@code batch} and behind the written requests (marked written: the
     * caller writes the batch next). Returns the latest of their deadlines, the write's own.
     */
    Deadline takeUnsent(WriteBatch batch) {
        Deadline latest = null;
        long latestLeft = 0;
        PipelineEntry<Resp> x;
        while ((x = unsent.pollFirst()) != null) {
            x.written = true;
            awaiting.addLast(x);
            batch.add(x);
            // By time left, not compareTo: callers' deadlines may run on different clocks.
            long left = x.deadline.remainingNanos();
            if (latest == null || left > latestLeft) {
                latest = x.deadline;
                latestLeft = left;
            }
        }
        queuedBytes = 0;
        return latest;
    }

    /** A reply was read: the request at the head of the written ones is its (counted out); null if none. */
    PipelineEntry<Resp> takeAnswered() {
        PipelineEntry<Resp> head = awaiting.pollFirst();
        if (head != null) {
            load--;
        }
        return head;
    }

    /**
     * The caller of {@code e} leaves before its reply: a queued request is taken out (NOT_SENT); a written one
     * keeps its place and its reply will be read and dropped. Returns the exception the caller throws ({@code why},
     * or a timeout when null), recorded as {@code e.failure}.
     */
    TetherException abandon(PipelineEntry<Resp> e, TetherException why, Endpoint endpoint) {
        TetherException failure;
        if (!e.written) {
            unsent.remove(e);
            queuedBytes -= e.size;
            load--;
            e.outcome = PipelineEntry.FAILED;
            failure = why != null ? why : new TimedOutException(TimedOutException.Phase.ACQUIRE, endpoint,
                    e.deadline.budget(), RequestState.NOT_SENT, null);
        } else {
            e.abandoned = true;
            failure = why != null ? why : new TimedOutException(TimedOutException.Phase.READ, endpoint,
                    e.deadline.budget(), RequestState.MAY_HAVE_BEEN_SENT, null);
        }
        e.failure = failure;
        return failure;
    }

    /**
     * The live caller with the latest deadline whose request is written, other than {@code not1} and
     * {@code not2}; null if none. (A caller whose request is still queued never reads: it may have to write it.)
     */
    PipelineEntry<Resp> liveLatest(PipelineEntry<Resp> not1, PipelineEntry<Resp> not2) {
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

    /**
     * The connection failed because of {@code cause}: written requests still waited for fail MAY_HAVE_BEEN_SENT,
     * queued ones NOT_SENT, each with its own exception ({@code self}, which may be null, gets {@code cause} itself
     * when that is a {@link TetherException}); their callers other than {@code self}'s are woken once {@code lock}
     * is released. Both queues are emptied; only admitted callers are left counted in. Then an unchecked
     * {@code cause} is thrown if {@code self} was still waiting, on its caller's thread (this one).
     */
    void failAll(PipelineEntry<Resp> self, Throwable cause, Endpoint endpoint, DeferredWakeLock lock) {
        TetherException tc = cause instanceof TetherException t ? t : null;
        // A reader that already has its reply (it was writing for others on its way out) keeps it.
        boolean selfPending = self != null && self.outcome == PipelineEntry.PENDING;
        for (PipelineEntry<Resp> x : awaiting) {
            if (x.outcome == PipelineEntry.PENDING && !x.abandoned) {
                x.failure = x == self && tc != null ? tc : PipelineEntry.connectionFailed(endpoint, cause, RequestState.MAY_HAVE_BEEN_SENT);
                x.outcome = PipelineEntry.FAILED;
                if (x != self) {
                    x.secondhand = true;
                    lock.wake(x.thread);
                }
            }
        }
        for (PipelineEntry<Resp> x : unsent) {
            x.failure = PipelineEntry.connectionFailed(endpoint, cause, RequestState.NOT_SENT);
            x.outcome = PipelineEntry.FAILED;
            if (x != self) {
                x.secondhand = true;
                lock.wake(x.thread);
            }
        }
        awaiting.clear();
        unsent.clear();
        queuedBytes = 0;
        load = reserved;
        if (self != null && self.outcome == PipelineEntry.PENDING) {
            self.failure = tc != null ? tc : PipelineEntry.connectionFailed(endpoint, cause, RequestState.MAY_HAVE_BEEN_SENT);
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
}
