package dev.tether.pool.internal;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits retries to a share of recent calls, in the manner of Finagle's retry budgets: every call deposits
 * {@code ratio} of a retry, every retry withdraws one, and a reserve of {@code minPerSecond} per second keeps
 * quiet clients able to retry at all. Deposits and withdrawals count for {@code windowSeconds}, kept in one slot
 * per second so the hot path is a counter increment. Approximate by design: concurrent callers may overdraw by
 * a retry or two, which is harmless for a budget.
 *
 * <p>Unlike gRPC's token bucket (A6), whose tokens are capped at a small maximum, the budget grows with traffic,
 * so a burst of failures at high volume (a server restart) can still be retried while a persistently sick
 * server sees at most {@code 1 + ratio} times the normal load.
 */
final class RetryBudget {
    private final double ratio;
    private final long reserve;
    private final int windowSeconds;
    private final Slot[] slots;
    private final ReentrantLock rotation = new ReentrantLock();

    private final TimeSource time;

    RetryBudget(double ratio, int minPerSecond, int windowSeconds, TimeSource time) {
        this.time = time;
        this.ratio = ratio;
        this.reserve = (long) minPerSecond * windowSeconds;
        this.windowSeconds = windowSeconds;
        this.slots = new Slot[windowSeconds];
        for (int i = 0; i < windowSeconds; i++) {
            slots[i] = new Slot();
        }
    }

    /** Records a call begun at {@code nowNanos} (the client's clock), earning {@code ratio} of a retry. */
    void deposit(long nowNanos) {
        slot(second(nowNanos)).deposits.increment();
    }

    /** Takes one retry from the budget if there is one. */
    boolean tryWithdraw() {
        long now = nowSecond();
        if (balance(now) < 1.0) {
            return false;
        }
        slot(now).withdrawals.increment();
        return true;
    }

    /** Retries available right now (may be fractional). */
    double balance() {
        return balance(nowSecond());
    }

    private double balance(long now) {
        long deposits = 0;
        long withdrawals = 0;
        for (Slot s : slots) {
            long age = now - s.second;
            if (age >= 0 && age < windowSeconds) {
                deposits += s.deposits.sum();
                withdrawals += s.withdrawals.sum();
            }
        }
        return reserve + ratio * deposits - withdrawals;
    }

    private Slot slot(long second) {
        Slot s = slots[(int) Math.floorMod(second, (long) windowSeconds)];
        if (s.second != second) {
            rotate(s, second);
        }
        return s;
    }

    private void rotate(Slot s, long second) {
        rotation.lock();
        try {
            if (s.second != second) {
                s.deposits.reset();
                s.withdrawals.reset();
                s.second = second;
            }
        } finally {
            rotation.unlock();
        }
    }

    private long nowSecond() {
        return second(time.nanoTime());
    }

    private static long second(long nanos) {
        return Math.floorDiv(nanos, 1_000_000_000L);
    }

    private static final class Slot {
        volatile long second = Long.MIN_VALUE;
        final LongAdder deposits = new LongAdder();
        final LongAdder withdrawals = new LongAdder();
    }
}
