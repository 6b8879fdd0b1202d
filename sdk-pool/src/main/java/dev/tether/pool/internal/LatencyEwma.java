package dev.tether.pool.internal;

/**
 * One endpoint's latency as {@link dev.tether.pool.LoadBalancing#P2C_EWMA} sees it: a moving average weighted by
 * time (each observation counts for the time since the one before, with a time constant of {@link #TAU_NANOS}),
 * decaying towards zero while nothing is observed. Not peak-sensitive (Finagle's PeakEWMA jumps to any slower
 * observation): on a busy host one descheduled call would then mark an endpoint slow for many seconds and skew
 * the shares of equal endpoints; a really slow endpoint is avoided anyway, first through its calls in flight
 * (which its latency raises) and within a second through this average. Written by every completed call without
 * a lock: two calls finishing at once may overwrite each other's update, which only coarsens the average.
 */
final class LatencyEwma {
    /** How fast old observations fade. */
    static final long TAU_NANOS = 1_000_000_000L;

    private volatile double costNanos;
    private volatile long stampNanos;

    LatencyEwma(long nowNanos) {
        this.stampNanos = nowNanos;
    }

    /** Records a call that took {@code rttNanos}, finished at {@code nowNanos}. */
    void record(long rttNanos, long nowNanos) {
        double w = weight(nowNanos);
        costNanos = costNanos * w + Math.max(0, rttNanos) * (1 - w);
        stampNanos = nowNanos;
    }

    /** The average decayed to {@code nowNanos}: an endpoint not heard from lately looks cheaper, so it gets tried. */
    double costNanos(long nowNanos) {
        return costNanos * weight(nowNanos);
    }

    private double weight(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - stampNanos);
        return Math.exp(-(double) elapsed / TAU_NANOS);
    }
}
