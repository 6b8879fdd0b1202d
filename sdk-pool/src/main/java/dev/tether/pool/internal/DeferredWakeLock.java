package dev.tether.pool.internal;

import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock whose holder queues the threads it wakes ({@link #wake}) and unparks them only once it has released the
 * lock ({@link #unlockAndWake}): a thread woken while the lock is still held would wake only to block on the lock
 * and be woken again, a second context switch per request. Used by {@link Pipeline}, whose state it guards.
 */
final class DeferredWakeLock {
    private final ReentrantLock lock = new ReentrantLock();
    /** Threads to wake once the lock is released; guarded by the lock. */
    private final ArrayList<Thread> toWake = new ArrayList<>(4);

    void lock() {
        lock.lock();
    }

    /** Wakes {@code t} once the lock is released; lock held. */
    void wake(Thread t) {
        toWake.add(t);
    }

    /** Releases the lock, then wakes the threads queued for it by {@link #wake}. */
    void unlockAndWake() {
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
}
