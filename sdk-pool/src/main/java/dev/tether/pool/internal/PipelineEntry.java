package dev.tether.pool.internal;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import java.nio.ByteBuffer;

/**
 * One request on a shared connection ({@link Pipeline}) and its caller: the encoded frame, where it stands
 * (queued, written, answered, failed, given up on) and the outcome handed to the caller. Guarded by its
 * pipeline's lock, except {@link #outcome}, which a woken caller may read without it.
 */
final class PipelineEntry<Resp> {
    static final int PENDING = 0;
    static final int ANSWERED = 1;
    static final int FAILED = 2;

    final ByteBuffer frame;
    final int size;
    final Deadline deadline;
    final Thread thread;
    boolean written;
    /** Its caller left (deadline, interrupt) after it was written: its reply is read and dropped. */
    boolean abandoned;
    /** Written under the lock, after {@link #reply}; read without it by a caller that was parked. */
    volatile int outcome = PENDING;
    Resp reply;
    /**
     * It failed because the shared connection failed under another caller (that caller's write or read): its
     * caller does not count the failure against the endpoint again. Lock held.
     */
    boolean secondhand;
    /** Its caller left {@link Pipeline#exchange} without the lock (answered while parked); the caller's own. */
    boolean leftUnlocked;
    TetherException failure;

    PipelineEntry(ByteBuffer frame, Deadline deadline, Thread thread) {
        this.frame = frame;
        this.size = frame.remaining();
        this.deadline = deadline;
        this.thread = thread;
    }

    /** Hands it {@code reply} if its caller still waits for it (else the reply is dropped); lock held. */
    boolean answer(Resp reply) {
        if (outcome != PENDING || abandoned) {
            return false;
        }
        this.reply = reply;
        outcome = ANSWERED;
        return true;
    }

    /** Once answered or failed: the reply, or the failure thrown. */
    Resp result() throws TetherException {
        if (outcome == ANSWERED) {
            return reply;
        }
        throw failure;
    }

    /** Its caller still waits for it. */
    boolean live() {
        return !abandoned && outcome == PENDING;
    }

    /**
     * What a caller is told when the shared connection failed under its request because of {@code cause} (another
     * caller's failure, usually): its own exception, so that no two callers share one object.
     */
    static TetherException connectionFailed(Endpoint endpoint, Throwable cause, RequestState state) {
        ConnectionClosedException.Reason reason = cause instanceof ConnectionClosedException c
                ? c.reason() : ConnectionClosedException.Reason.CLOSED_LOCALLY;
        String what = state == RequestState.NOT_SENT
                ? "the shared connection failed before this request was written"
                : "the shared connection failed after this request was written";
        return new ConnectionClosedException(reason, endpoint, state, what + ": " + cause, cause);
    }
}
