package dev.tether.pool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * The watcher that times out parked virtual threads. The list logic runs on platform threads here (any thread can
 * park through it; {@link SystemTime} sends only virtual ones) with a clock moved by hand. The deadlines are five
 * minutes of that clock, so the watcher thread itself, which sleeps in real nanoseconds, never fires on its own.
 */
class DeadlineWakeupsTest {
    private static final long LONG = TimeUnit.MINUTES.toNanos(5);
    private final AtomicLong clock = new AtomicLong(5_000);
    private final DeadlineWakeups wakeups = new DeadlineWakeups(clock::get, "test-deadlines");

    @AfterEach
    void stop() {
        wakeups.stop();
    }

    @Test
    void aSleeperIsWokenWhenTheClockReachesItsDeadlineNotBefore() throws Exception {
        Thread t = parked(LONG);
        clock.addAndGet(LONG - 1);
        assertEquals(clock.get() + 1, wakeups.wakeExpired(), "the next deadline");
        assertTrue(t.isAlive());
        assertEquals(1, wakeups.waiting());

        clock.incrementAndGet();
        assertEquals(Long.MAX_VALUE, wakeups.wakeExpired());
        t.join(10_000);
        assertFalse(t.isAlive(), "woken at its deadline");
        assertEquals(0, wakeups.waiting());
    }

    @Test
    void aSleeperWithAnEarlierDeadlineWakesTheWatcher() throws Exception {
        Thread late = parked(LONG); // the watcher now sleeps towards this one, five minutes of real time
        Thread due = parked(1);
        clock.incrementAndGet();
        due.join(10_000);
        assertFalse(due.isAlive(), "only the watcher could wake it: it was told of the earlier deadline");
        assertTrue(late.isAlive());
        LockSupport.unpark(late);
        late.join(10_000);
    }

    /**
     * A thread unparked just before it parks (a caller's reply handed over while it was on its way to wait) must
     * not sleep, even when it finds the list busy. A list lock that parks a contended thread would spend that
     * unpark and leave the thread asleep until its deadline, five minutes of a clock that does not move here.
     */
    @Test
    void anUnparkGivenBeforeTheParkIsKeptWhileTheListIsBusy() throws Exception {
        long before = wakeups.sleepers.contended();
        wakeups.sleepers.lock(); // busy: as if the watcher or another thread were changing the list
        Thread t;
        try {
            t = new Thread(() -> {
                LockSupport.unpark(Thread.currentThread()); // the unpark, given before the park
                wakeups.park(this, LONG);
            });
            t.setDaemon(true);
            t.start();
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (wakeups.sleepers.contended() == before && System.nanoTime() < giveUp) {
                Thread.onSpinWait();
            }
            assertEquals(before + 1, wakeups.sleepers.contended(), "the thread waits for the list");
        } finally {
            wakeups.sleepers.unlock();
        }
        t.join(10_000);
        assertFalse(t.isAlive(), "it kept its unpark and returned");
        assertEquals(0, wakeups.waiting());
    }

    @Test
    void afterStoppingParksTimeThemselves() throws Exception {
        wakeups.stop();
        Thread t = new Thread(() -> wakeups.park(this, TimeUnit.MILLISECONDS.toNanos(1)));
        t.start();
        t.join(10_000);
        assertFalse(t.isAlive(), "a JDK timed park, not an untimed one nobody ends");
        assertEquals(0, wakeups.waiting());
    }

    @Test
    void anUnparkedSleeperLeavesTheList() throws Exception {
        Thread a = parked(LONG);
        Thread b = parked(2 * LONG);
        LockSupport.unpark(a);
        a.join(10_000);
        assertFalse(a.isAlive());
        assertEquals(1, wakeups.waiting());
        assertEquals(clock.get() + 2 * LONG, wakeups.wakeExpired(), "b's deadline is next");
        LockSupport.unpark(b);
        b.join(10_000);
        assertEquals(0, wakeups.waiting());
    }

    @Test
    void stoppingWakesEverySleeper() throws Exception {
        Thread a = parked(LONG);
        Thread b = parked(LONG);
        wakeups.stop();
        a.join(10_000);
        b.join(10_000);
        assertFalse(a.isAlive());
        assertFalse(b.isAlive());
    }

    @Test
    void platformThreadsKeepTheJdksTimedPark() {
        assertFalse(VirtualThreads.current());
    }

    /** On JDK 21+ (CI's second JDK): a virtual thread's timed park through SystemTime ends at its deadline. */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void aVirtualThreadsTimedParkEnds() throws Exception {
        SystemTime time = new SystemTime("test");
        ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            Future<Boolean> parkedThrough = virtual.submit(() -> {
                boolean viaWatcher = VirtualThreads.current();
                long start = System.nanoTime();
                long wait = TimeUnit.MILLISECONDS.toNanos(20);
                // park may return early for no reason; loop as every caller of park does
                while (System.nanoTime() - start < wait) {
                    time.park(this, wait - (System.nanoTime() - start));
                }
                return viaWatcher;
            });
            assertTrue(parkedThrough.get(10, TimeUnit.SECONDS), "went through the watcher");
        } finally {
            virtual.shutdownNow();
            time.shutdown();
        }
    }

    /** A platform thread parked through the watcher for {@code nanos} of the hand-moved clock. */
    private Thread parked(long nanos) throws InterruptedException {
        int before = wakeups.waiting();
        Thread t = new Thread(() -> wakeups.park(this, nanos));
        t.setDaemon(true);
        t.start();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((wakeups.waiting() == before || t.getState() != Thread.State.WAITING) && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.WAITING, t.getState(), "parked");
        return t;
    }
}
