package dev.tether.pool.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that follows {@link System#nanoTime()}, for libraries that measure durations with a clock
 * (resilience4j's breaker): wall-clock jumps must not open or close a breaker early. Its instants mean nothing
 * as dates.
 */
final class MonotonicClock extends Clock {
    static final MonotonicClock INSTANCE = new MonotonicClock();
    private static final Instant ORIGIN = Instant.ofEpochSecond(1_000_000_000L);

    private MonotonicClock() {
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return ORIGIN.plusNanos(System.nanoTime());
    }

    @Override
    public long millis() {
        return System.nanoTime() / 1_000_000L;
    }
}
