package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.core.TimedOutException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about leases held longer than a threshold, with the stack that took them. When the threshold is zero
 * it hands out one shared no-op handle, so leak detection that is off costs nothing.
 */
final class LeakDetector {
    private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

    /** What a lease holds while it is out; {@link #close()} when the lease ends. */
    interface Handle {
        void close();
    }

    private static final Handle NONE = () -> { };

    private final long thresholdNanos;
    private final TimeSource time;
    private final Listeners listeners;

    LeakDetector(Duration threshold, TimeSource time, Listeners listeners) {
        this.thresholdNanos = threshold.toNanos();
        this.time = time;
        this.listeners = listeners;
    }

    Handle track(Endpoint endpoint) {
        if (thresholdNanos == 0) {
            return NONE;
        }
        Tracked t = new Tracked(endpoint, new Throwable("lease of a connection to " + endpoint + " taken here"));
        // Once the client's timer has stopped (closing) this is a no-op: the lease is about to be closed anyway.
        t.scheduled = time.schedule(t::report, thresholdNanos);
        return t;
    }

    private final class Tracked implements Handle {
        private final Endpoint endpoint;
        private final Throwable acquiredAt;
        private final long start = time.nanoTime();
        private volatile TimeSource.Scheduled scheduled;
        private volatile boolean reported;

        Tracked(Endpoint endpoint, Throwable acquiredAt) {
            this.endpoint = endpoint;
            this.acquiredAt = acquiredAt;
        }

        void report() {
            reported = true;
            Duration held = Duration.ofNanos(time.nanoTime() - start);
            LOG.warn("possible connection leak: a lease on {} has been held for {} (threshold {}); it was taken at:",
                    endpoint, TimedOutException.format(held), TimedOutException.format(Duration.ofNanos(thresholdNanos)),
                    acquiredAt);
            listeners.leakSuspected(endpoint, held, acquiredAt);
        }

        @Override
        public void close() {
            TimeSource.Scheduled s = scheduled;
            if (s != null) {
                s.cancel();
            }
            if (reported) {
                LOG.info("lease on {} reported as a possible leak was closed after {}", endpoint,
                        TimedOutException.format(Duration.ofNanos(time.nanoTime() - start)));
            }
        }
    }
}
