package dev.tether.pool.internal;

import dev.tether.pool.ClientClosedException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether the client takes calls, and how many are in progress: {@link #enter()} and {@link #exit()} bracket
 * every call and lease, and {@link #drain} lets a closing client wait (on its clock) for them to finish.
 */
final class Lifecycle {
    private enum State { OPEN, CLOSING, CLOSED }

    private final String clientName;
    private final TimeSource time;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    /** Stripes of the in-progress count, each on its own cache line (a stride of 16 longs). */
    private static final int STRIPES = 16;
    private static final int STRIDE = 16;
    /**
     * Calls and leases in progress, striped so callers on different cores do not contend. Unlike a LongAdder, a
     * call leaves through the stripe it entered by ({@link #enter} returns it), so no stripe ever goes below zero
     * and a drain that sees every stripe at zero after closing began cannot have missed a call that was admitted.
     */
    private final AtomicLongArray inFlight = new AtomicLongArray(STRIPES * STRIDE);
    private volatile Thread drainer;

    Lifecycle(String clientName, TimeSource time) {
        this.clientName = clientName;
        this.time = time;
    }

    /**
     * Admits a call: the stripe it must leave by, or {@link ClientClosedException}. The count goes up before the
     * state is read, and {@link #beginClose} changes the state before {@link #drain} reads the counts: either the
     * call sees the client closing, or the drain sees the call.
     */
    int enter() throws ClientClosedException {
        int stripe = (int) (Thread.currentThread().getId() & (STRIPES - 1));
        inFlight.incrementAndGet(stripe * STRIDE);
        if (state.get() != State.OPEN) {
            exit(stripe);
            throw new ClientClosedException(clientName);
        }
        return stripe;
    }

    /** Ends a call admitted on {@code stripe}. */
    void exit(int stripe) {
        if (inFlight.decrementAndGet(stripe * STRIDE) == 0 && state.get() != State.OPEN) {
            Thread t = drainer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Calls and leases in progress (what a one-endpoint client reports as in flight). */
    int inProgressCount() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, inProgress()));
    }

    private long inProgress() {
        long sum = 0;
        for (int i = 0; i < STRIPES; i++) {
            sum += inFlight.get(i * STRIDE);
        }
        return sum;
    }

    /** Stops new calls; true for the one caller that gets to close the client. */
    boolean beginClose() {
        return state.compareAndSet(State.OPEN, State.CLOSING);
    }

    void closed() {
        state.set(State.CLOSED);
    }

    /** Whether new calls are still admitted (closing has not begun). */
    boolean isAcceptingCalls() {
        return state.get() == State.OPEN;
    }


    /** Waits up to {@code nanos} for calls in progress to end; false if some are still running. */
    boolean drain(long nanos) {
        drainer = Thread.currentThread();
        try {
            long until = time.nanoTime() + nanos;
            while (inProgress() > 0) {
                long left = until - time.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return false;
                }
                time.park(this, left);
            }
            return true;
        } finally {
            drainer = null;
        }
    }

    @Override
    public String toString() {
        return state.get().toString();
    }
}
