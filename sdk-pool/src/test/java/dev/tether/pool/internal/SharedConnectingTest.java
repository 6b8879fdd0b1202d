package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Giving back the "taking a connection for sharing" token ({@link Pipelines.Shared#connectingDone}) wakes the
 * oldest caller waiting for room, whichever way the taking ended: that caller found no shared connection, saw the
 * token taken and parked until the holder is done. Before, a holder that took nothing after all gave the token
 * back in silence, and the oldest waiter slept through its whole acquire timeout with an idle connection in the
 * pool (about 1 run in 18 of the Redis benchmark with virtual threads). Real threads; the waiter parks like
 * {@link Pipelines#join} does and reports each wake-up.
 */
class SharedConnectingTest {

    @Test
    void givingTheTokenBackWakesTheOldestWaiter() throws Exception {
        Pipelines.Shared s = new Pipelines.Shared();
        CountDownLatch inLine = new CountDownLatch(1);
        CountDownLatch woken = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            s.roomWaiters.add(Thread.currentThread());
            long seen = s.roomEvents.get();
            inLine.countDown();
            // As join does: park until the wake-up count moves (a park may return for no reason).
            while (s.roomEvents.get() == seen) {
                LockSupport.park(this);
            }
            woken.countDown();
        });
        waiter.setDaemon(true);
        waiter.start();
        assertThat(inLine.await(10, TimeUnit.SECONDS)).isTrue();

        s.connecting.incrementAndGet(); // another caller holds the token and then takes nothing
        s.connectingDone(Thread.currentThread());

        assertThat(woken.await(10, TimeUnit.SECONDS)).as("the oldest waiter woke").isTrue();
        assertThat(s.connecting.get()).isZero();
        waiter.join(10_000);
    }

    @Test
    void theOldestWaiterGivingItBackDoesNotWakeItself() {
        Pipelines.Shared s = new Pipelines.Shared();
        Thread me = Thread.currentThread();
        s.roomWaiters.add(me);
        long before = s.roomEvents.get();
        s.connecting.incrementAndGet();

        s.connectingDone(me);

        // Counted as a wake-up it would make the caller look again at once, and again: a spin.
        assertThat(s.roomEvents.get()).isEqualTo(before);
        assertThat(s.connecting.get()).isZero();
    }

    @Test
    void withNobodyInLineThereIsNothingToWake() {
        Pipelines.Shared s = new Pipelines.Shared();
        s.connecting.incrementAndGet();

        s.connectingDone(Thread.currentThread());

        assertThat(s.roomEvents.get()).isZero();
        assertThat(s.connecting.get()).isZero();
    }
}
