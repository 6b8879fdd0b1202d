package dev.tether.pool.internal;

import dev.tether.pool.ClientClosedException;
import java.util.concurrent.atomic.AtomicLong;
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
    /** Calls and leases in progress. An AtomicLong, not a LongAdder: drain must never read a torn zero. */
    private final AtomicLong inFlight = new AtomicLong();
    private volatile Thread drainer;

    Lifecycle(String clientName, TimeSource time) {
        this.clientName = clientName;
        this.time = time;
    }

    void enter() throws ClientClosedException {
        inFlight.incrementAndGet();
        if (state.get() != State.OPEN) {
            exit();
            throw new ClientClosedException(clientName);
        }
    }

    void exit() {
        if (inFlight.decrementAndGet() == 0 && state.get() != State.OPEN) {
            Thread t = drainer;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Stops new calls; true for the one caller that gets to close the client. */
    boolean beginClose() {
        return state.compareAndSet(State.OPEN, State.CLOSING);
    }

    void closed() {
        state.set(State.CLOSED);
    }

    boolean isOpen() {
        return state.get() == State.OPEN;
    }

    /** Waits up to {@code nanos} for calls in progress to end; false if some are still running. */
    boolean drain(long nanos) {
        drainer = Thread.currentThread();
        try {
            long until = time.nanoTime() + nanos;
            while (inFlight.get() > 0) {
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
