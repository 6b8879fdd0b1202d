package dev.tether.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A guard is reused for operation after operation (one per connection direction). When the watchdog has read
 * the deadline of an overdue operation and that operation ends before the watchdog acts, the expiry must not
 * land on the next operation, whose deadline is far away: for a connection that would close a healthy channel
 * in the middle of an unrelated read or write.
 *
 * <p>The guard's {@code deadlineNanos()} is overridden only to hold the watchdog thread right after it read
 * the deadline, so the test can end the operation and begin the next one at exactly that point.
 */
class OverdueDeadlineOfEndedOperationTest {

    @Test
    void expiryOfAnEndedOperationDoesNotFireDuringTheNextOne() throws Exception {
        CountDownLatch watchdogReadDeadline = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CountDownLatch watchdogActed = new CountDownLatch(1);
        AtomicInteger deadlineReads = new AtomicInteger();
        AtomicInteger expiries = new AtomicInteger();
        IoWatchdog.Guard guard = new IoWatchdog.Guard() {
            @Override
            long deadlineNanos() {
                long deadline = super.deadlineNanos();
                int n = deadlineReads.incrementAndGet();
                if (n == 1) {
                    watchdogReadDeadline.countDown();
                    awaitQuietly(proceed);
                } else {
                    watchdogActed.countDown();
                }
                return deadline;
            }

            @Override
            protected void onExpiry() {
                expiries.incrementAndGet();
                watchdogActed.countDown();
            }
        };
        IoWatchdog watchdog = IoWatchdog.instance();
        try {
            watchdog.begin(guard, System.nanoTime() - 1);
            assertThat(watchdogReadDeadline.await(10, TimeUnit.SECONDS)).isTrue();

            // The overdue operation finishes after all, and the next one starts with an hour to go.
            watchdog.end(guard);
            assertThat(guard.hasFired()).isFalse();
            watchdog.begin(guard, System.nanoTime() + TimeUnit.HOURS.toNanos(1));
            proceed.countDown();

            // Either the expiry runs or the watchdog scans the next operation again: it has acted on what it read.
            assertThat(watchdogActed.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(expiries).as("expiries run for the next operation").hasValue(0);
            assertThat(guard.hasFired()).isFalse();
        } finally {
            proceed.countDown();
            watchdog.end(guard);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
