package dev.tether.pool.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Calls and leases in flight on one endpoint, for balancing and stats. Striped, so callers on different cores
 * do not contend for one counter on every acquire and release; a read while calls start and end is approximate,
 * which is all balancing needs.
 */
final class InFlight {
    private final LongAdder count = new LongAdder();

    void increment() {
        count.increment();
    }

    void decrement() {
        count.decrement();
    }

    /** The current count (never negative, even when read mid-update). */
    int get() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, count.sum()));
    }
}
