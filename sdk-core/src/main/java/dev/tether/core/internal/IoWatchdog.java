package dev.tether.core.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces deadlines on blocking channel operations that have no timeout of their own (writes, and
 * everything on Unix-domain sockets) by closing the channel when the deadline passes.
 *
 * <p>A single daemon thread scans the operations in flight every {@link #TICK_NANOS}, and parks without a
 * timeout when none are in flight. Starting and ending a guarded operation costs a set insert and removal,
 * not a timer-queue insertion and a thread wake-up, which keeps the common case (the write finishes at
 * once) cheap. Deadlines therefore fire up to one tick late.
 */
public final class IoWatchdog {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final IoWatchdog INSTANCE = new IoWatchdog();

    private final Set<Guard> inFlight = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean sleeping;

    private IoWatchdog() {
        thread = new Thread(this::run, "tether-io-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    public static IoWatchdog instance() {
        return INSTANCE;
    }

    /** Starts guarding {@code guard} until {@code deadlineNanos} ({@link System#nanoTime()} based). */
    public void begin(Guard guard, long deadlineNanos) {
        guard.arm(deadlineNanos);
        inFlight.add(guard);
        if (sleeping) {
            LockSupport.unpark(thread);
        }
    }

    /** Stops guarding {@code guard}; {@link Guard#hasFired()} then says whether the deadline fired first. */
    public void end(Guard guard) {
        inFlight.remove(guard);
        guard.disarm();
    }

    private void run() {
        while (true) {
            if (inFlight.isEmpty()) {
                sleeping = true;
                if (inFlight.isEmpty()) {
                    LockSupport.park(this);
                }
                sleeping = false;
                continue;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = System.nanoTime();
            for (Guard g : inFlight) {
                if (g.fireIfDue(now)) {
                    inFlight.remove(g);
                }
            }
        }
    }

    /** One guarded operation at a time: arm it, and it fires {@link #onExpiry()} once if not disarmed in time. */
    public abstract static class Guard {
        private static final long IDLE = 0;
        private static final long ARMED = 1;
        private static final long FIRED = 2;
        private static final long PHASE = 3;

        // The operation's number (above the two low bits) and its phase: a guard is reused for operation after
        // operation, and the number keeps a deadline read for one operation from firing during the next.
        private final java.util.concurrent.atomic.AtomicLong state = new java.util.concurrent.atomic.AtomicLong();
        private volatile long deadlineNanos;

        void arm(long deadline) {
            deadlineNanos = deadline;
            state.set((state.get() & ~PHASE) + (PHASE + 1) | ARMED);
        }

        /** Disarms a guard that has not fired; a fired one keeps saying so. */
        void disarm() {
            long s = state.get();
            if ((s & PHASE) == ARMED) {
                state.compareAndSet(s, s & ~PHASE | IDLE);
            }
        }

        /** True once the deadline has fired for the current (or last) operation. */
        public boolean hasFired() {
            return (state.get() & PHASE) == FIRED;
        }

        /** Fires if the operation armed now is past its deadline at {@code now}. */
        boolean fireIfDue(long now) {
            long s = state.get();
            if ((s & PHASE) != ARMED || now - deadlineNanos() < 0) {
                return false;
            }
            if (state.compareAndSet(s, s & ~PHASE | FIRED)) {
                onExpiry();
                return true;
            }
            return false;
        }

        long deadlineNanos() {
            return deadlineNanos;
        }

        /** Called on the watchdog thread when the deadline passes; must not block. */
        protected abstract void onExpiry();
    }
}
