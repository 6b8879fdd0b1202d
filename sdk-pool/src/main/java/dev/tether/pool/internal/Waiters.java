package dev.tether.pool.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Callers waiting for a connection to one endpoint, oldest first. A caller giving a connection back hands it
 * straight to the oldest waiter, so under saturation callers are served in arrival order and a connection never
 * rests idle while someone waits. A destroyed connection's freed room wakes the oldest waiter, who then connects.
 *
 * <p>The lock guards only the queue (no I/O, no waiting under it); waiters park outside it on the client's clock.
 * Callers that find the queue empty ({@link #isEmpty()}: one volatile read) never take the lock.
 */
final class Waiters {
    /** One waiting caller; {@link #handed} is what it was given (a connection, or null). */
    static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile PooledConnection<?, ?> handed;
        /** Set when it was taken off the queue by a hand-off, so it must take what it was handed. */
        volatile boolean served;
        /**
         * Woken because room was freed and not yet looking: the next freed room wakes the next waiter instead, so
         * a burst of freed room (a restarting server drops every connection) wakes as many waiters.
         */
        volatile boolean signalled;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private volatile int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    Waiter enqueue() {
        Waiter w = new Waiter();
        lock.lock();
        try {
            queue.addLast(w);
            size = queue.size();
        } finally {
            lock.unlock();
        }
        return w;
    }

    /** Takes {@code w} off the queue; false if a hand-off already did (then {@code w.handed} is its to take). */
    boolean leave(Waiter w) {
        lock.lock();
        try {
            if (w.served) {
                return false;
            }
            queue.remove(w);
            size = queue.size();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives {@code pc} (owned by the caller) to the oldest waiter; false when nobody waits. */
    boolean handOff(PooledConnection<?, ?> pc) {
        Waiter w;
        lock.lock();
        try {
            w = queue.pollFirst();
            if (w == null) {
                return false;
            }
            size = queue.size();
            w.handed = pc;
            w.served = true;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(w.thread);
        return true;
    }

    /**
     * Wakes the oldest waiter not already woken (room was freed), without serving it: it looks again. False when
     * every waiter is already woken or nobody waits.
     */
    boolean wakeOldest() {
        Waiter woken = null;
        lock.lock();
        try {
            for (Waiter w : queue) {
                if (!w.signalled) {
                    w.signalled = true;
                    woken = w;
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (woken == null) {
            return false;
        }
        LockSupport.unpark(woken.thread);
        return true;
    }

    /** Wakes every waiter, for example when the client closes. */
    void wakeAll() {
        lock.lock();
        try {
            for (Waiter w : queue) {
                LockSupport.unpark(w.thread);
            }
        } finally {
            lock.unlock();
        }
    }
}
