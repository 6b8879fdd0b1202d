package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.BreakerState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A breaker changed by two threads at once. The interleaving is made exact instead of hoped for: the clock runs a
 * step at the moment the breaker reads it, which is where the other thread's change lands in production.
 */
class BreakerRacesTest {
    private final ManualTime manual = new ManualTime();
    private final SteppedTime time = new SteppedTime(manual);
    private final EndpointPool ep = TestEndpoints.endpoint(0, time);

    /**
     * A caller reads the open breaker, its open period is over, and in that instant a reconnect on another thread
     * closes it. Resilience4j then refuses to move the stale open state to half-open (CLOSED -> HALF_OPEN is
     * illegal); in CI that escaped from {@code client.call} as an {@code IllegalStateTransitionException}.
     */
    @Test
    void aBreakerClosedByAReconnectWhileACallerLeavesItsOpenPeriodLetsTheCallThrough() {
        TestEndpoints.trip(ep);
        manual.advance(Duration.ofNanos(ep.nanosUntilProbe()).plusMillis(1));

        time.onNextRead(ep::closeBreaker); // the reconnect, between the caller's read of the state and its move
        assertThat(ep.tryPermission()).as("a call into the breaker the reconnect closed").isTrue();

        assertThat(time.stepRan()).as("the clock step ran inside tryPermission").isTrue();
        assertThat(ep.breakerState()).isEqualTo(BreakerState.CLOSED);
        ep.recordSuccess(1_000);
        assertThat(ep.breakerState()).isEqualTo(BreakerState.CLOSED);
    }

    /** The manual clock, which runs a given step (once) the next time anything reads it. */
    private static final class SteppedTime implements TimeSource {
        private final ManualTime delegate;
        private final AtomicReference<Runnable> step = new AtomicReference<>();
        private volatile boolean ran;

        SteppedTime(ManualTime delegate) {
            this.delegate = delegate;
        }

        void onNextRead(Runnable next) {
            ran = false;
            step.set(next);
        }

        boolean stepRan() {
            return ran;
        }

        @Override
        public long nanoTime() {
            Runnable next = step.getAndSet(null);
            if (next != null) {
                next.run();
                ran = true;
            }
            return delegate.nanoTime();
        }

        @Override
        public void park(Object blocker, long nanos) {
            delegate.park(blocker, nanos);
        }

        @Override
        public Scheduled schedule(Runnable task, long delayNanos) {
            return delegate.schedule(task, delayNanos);
        }

        @Override
        public void shutdown() {
            delegate.shutdown();
        }
    }
}
