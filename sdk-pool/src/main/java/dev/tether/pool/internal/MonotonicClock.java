package dev.tether.pool.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that follows a {@link TimeSource} (the client's clock), for libraries that
 * measure durations with a clock (resilience4j's breaker): wall-clock jumps must not open or close a breaker
 * early, and tests drive the breaker's periods by hand. Its instants mean nothing as dates.
 */
final class MonotonicClock extends Clock {
    private static final Instant ORIGIN = Instant.ofEpochSecond(1_000_000_000L);

    private final TimeSource time;

    MonotonicClock(TimeSource time) {
        this.time = time;
    }

    static MonotonicClock of(TimeSource time) {
        return new MonotonicClock(time);
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
        return ORIGIN.plusNanos(time.nanoTime());
    }

    @Override
    public long millis() {
        return Math.floorDiv(time.nanoTime(), 1_000_000L);
    }
}
