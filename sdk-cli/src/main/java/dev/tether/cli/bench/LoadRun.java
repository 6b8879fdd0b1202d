package dev.tether.cli.bench;

import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The measurements of one {@link LoadGenerator} run.
 *
 * @param elapsed how long the run took
 * @param successes calls that returned the expected reply
 * @param errors calls that failed or returned something else
 * @param errorsByType error counts by exception type (with reason or phase), sorted by name
 * @param firstMessageByType the first message seen for each error type
 * @param latencyNanos latency of the successful calls, in nanoseconds
 * @param timeline one entry per sampling interval
 * @param abortedBy the failure that stopped the run early, or null
 */
public record LoadRun(Duration elapsed, long successes, long errors, Map<String, Long> errorsByType,
                      Map<String, String> firstMessageByType, Histogram latencyNanos, List<Interval> timeline,
                      TetherException abortedBy) {

    /** Calls made: successes plus errors. */
    public long requests() {
        return successes + errors;
    }

    /** Successful calls per second over the whole run. */
    public double throughput() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : successes / seconds;
    }

    /** Latency at {@code percentile} (0 to 100) in microseconds; 0 without successful calls. */
    public double latencyMicros(double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The longest successful call in microseconds. */
    public double maxLatencyMicros() {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getMaxValue() / 1000.0;
    }

    /**
     * One sampling interval.
     *
     * @param endSeconds seconds from the start of the run to the end of this interval
     * @param seconds the interval's length
     * @param successes successful calls completed in it
     * @param errors failed calls in it
     * @param p99Micros 99th percentile latency of its successful calls
     */
    public record Interval(double endSeconds, double seconds, long successes, long errors, double p99Micros) {
        /** Successful calls per second in this interval. */
        public double callsPerSecond() {
            return seconds <= 0 ? 0 : successes / seconds;
        }

        Interval merge(double newEnd, double moreSeconds, long moreSuccesses, long moreErrors) {
            return new Interval(newEnd, seconds + moreSeconds, successes + moreSuccesses, errors + moreErrors, p99Micros);
        }
    }
}
