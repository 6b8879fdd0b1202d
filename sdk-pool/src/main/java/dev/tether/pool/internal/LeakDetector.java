package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.core.TimedOutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    private final ScheduledExecutorService scheduler;
    private final Listeners listeners;

    LeakDetector(Duration threshold, ScheduledExecutorService scheduler, Listeners listeners) {
        this.thresholdNanos = threshold.toNanos();
        this.scheduler = scheduler;
        this.listeners = listeners;
    }

    Handle track(Endpoint endpoint) {
        if (thresholdNanos == 0) {
            return NONE;
        }
        Tracked t = new Tracked(endpoint, new Throwable("lease of a connection to " + endpoint + " taken here"));
        try {
            t.future = scheduler.schedule(t::report, thresholdNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // The client is closing and its scheduler stopped; the lease is about to be closed anyway.
            return NONE;
        }
        return t;
    }

    private final class Tracked implements Handle {
        private final Endpoint endpoint;
        private final Throwable acquiredAt;
        private final long start = System.nanoTime();
        private volatile ScheduledFuture<?> future;
        private volatile boolean reported;

        Tracked(Endpoint endpoint, Throwable acquiredAt) {
            this.endpoint = endpoint;
            this.acquiredAt = acquiredAt;
        }

        void report() {
            reported = true;
            Duration held = Duration.ofNanos(System.nanoTime() - start);
            LOG.warn("possible connection leak: a lease on {} has been held for {} (threshold {}); it was taken at:",
                    endpoint, TimedOutException.format(held), TimedOutException.format(Duration.ofNanos(thresholdNanos)),
                    acquiredAt);
            listeners.leakSuspected(endpoint, held, acquiredAt);
        }

        @Override
        public void close() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            if (reported) {
                LOG.info("lease on {} reported as a possible leak was closed after {}", endpoint,
                        TimedOutException.format(Duration.ofNanos(System.nanoTime() - start)));
            }
        }
    }
}
