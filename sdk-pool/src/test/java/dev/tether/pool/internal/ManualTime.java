package dev.tether.pool.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TimeSource} tests move by hand, so time-based rules are checked without sleeping. */
final class ManualTime implements TimeSource {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Override
    public long nanoTime() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
