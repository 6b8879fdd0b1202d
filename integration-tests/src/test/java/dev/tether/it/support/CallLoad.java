package dev.tether.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Caller threads that make calls against a server, either a fixed number in all ({@link #run}) or until told
 * to stop ({@link #start} and {@link #stop(Duration)}; open it in try-with-resources so a test that fails half-way
 * stops its callers too). Every failure is kept with the caller and sequence
 * number that hit it, so an assertion can show exactly which calls went wrong instead of only how many.
 */
public final class CallLoad implements AutoCloseable {

    /** One call; throwing anything counts as a failed call. */
    @FunctionalInterface
    public interface Call {
        /**
         * @param caller   the caller thread's number, from 0
         * @param sequence the call's number, unique across all callers of the load, from 0
         */
        void run(int caller, long sequence) throws Exception;
    }

    /**
     * A failed call.
     *
     * @param caller   the caller thread's number, from 0
     * @param sequence the call's number, unique across callers, from 0
     * @param error    what it threw
     */
    public record Failure(int caller, long sequence, Throwable error) {
        @Override
        public String toString() {
            return "caller " + caller + " call " + sequence + ": " + error;
        }
    }

    /**
     * What a run did.
     *
     * @param succeeded calls that returned normally
     * @param failures  calls that threw, in no particular order
     * @param took      wall time from the start signal until the last caller finished
     */
    public record Outcome(long succeeded, List<Failure> failures, Duration took) {
        /** Calls made, succeeded or not. */
        public long calls() {
            return succeeded + failures.size();
        }
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final LongAdder succeeded = new LongAdder();
    private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong tickets = new AtomicLong();
    private final CountDownLatch finished;
    private final long startNanos;

    private CallLoad(int callers, long totalCalls, Call call, String name) {
        if (callers < 1) {
            throw new IllegalArgumentException("callers must be at least 1: " + callers);
        }
        finished = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < callers; i++) {
            int caller = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    long seq;
                    while (!stopping.get() && (seq = tickets.getAndIncrement()) < totalCalls) {
                        try {
                            call.run(caller, seq);
                            succeeded.increment();
                        } catch (Exception | AssertionError e) {
                            failures.add(new Failure(caller, seq, e));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            }, name + "-" + caller);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        startNanos = System.nanoTime();
        go.countDown();
    }

    /**
     * Makes {@code totalCalls} calls spread over {@code callers} threads (each takes the next call number as
     * soon as its previous call returns) and waits for all of them.
     */
    public static Outcome run(int callers, long totalCalls, Duration timeout, Call call)
            throws InterruptedException {
        CallLoad load = new CallLoad(callers, totalCalls, call, "it-caller");
        if (!load.finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            load.stopping.set(true);
            throw new AssertionError("callers did not finish " + totalCalls + " calls within " + timeout
                    + "; " + load.succeeded.sum() + " succeeded, " + load.failures.size() + " failed so far");
        }
        return load.outcome();
    }

    /** Starts {@code callers} threads calling until {@link #stop(Duration)}. */
    public static CallLoad start(int callers, String name, Call call) {
        return new CallLoad(callers, Long.MAX_VALUE, call, name);
    }

    /** Calls that succeeded so far. */
    public long succeeded() {
        return succeeded.sum();
    }

    /** Calls that failed so far. */
    public int failed() {
        return failures.size();
    }

    /** Asks every caller to stop after its current call and waits up to {@code timeout} for them. */
    public Outcome stop(Duration timeout) throws InterruptedException {
        stopping.set(true);
        if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("callers did not stop within " + timeout + ": " + stuckThreads());
        }
        return outcome();
    }

    /**
     * Stops the callers if {@link #stop} has not: a test that failed between start and stop must not leave them
     * calling, since they would keep calling a closed client, as fast as it refuses, recording every failure until
     * the test JVM runs out of memory and takes the next test classes with it (that happened in CI). Waits for
     * them a while, then interrupts the ones still in a call; never throws, so the test's own failure is the one
     * reported.
     */
    @Override
    public void close() {
        stopping.set(true);
        try {
            if (!finished.await(30, TimeUnit.SECONDS)) {
                threads.forEach(Thread::interrupt);
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
        }
    }

    private Outcome outcome() {
        return new Outcome(succeeded.sum(), List.copyOf(failures), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private List<String> stuckThreads() {
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            StackTraceElement[] stack = t.getStackTrace();
            if (t.isAlive()) {
                stuck.add(t.getName() + " " + List.of(stack).subList(0, Math.min(8, stack.length)));
            }
        }
        return stuck;
    }
}
