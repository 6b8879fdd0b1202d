package dev.tether.cli.bench;

import dev.tether.cli.internal.Threads;
import dev.tether.core.ConnectFailedException;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.pool.CallOptions;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives calls through a {@link TetherClient} from a number of concurrent callers, for a duration or a number
 * of requests, and measures them: latency of every successful call in an HdrHistogram (wait-free recording,
 * so measuring does not slow the callers down), errors by type, and a per-interval timeline. The calling
 * thread samples the timeline and reports progress; the callers run on virtual threads when the JVM has them.
 *
 * @param <Req> request type
 * @param <Resp> reply type
 */
public final class LoadGenerator<Req, Resp> {
    /** HdrHistogram precision: three significant digits, a resolution of 0.1% of each value. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private final TetherClient<Req, Resp> client;
    private final Workload<Req, Resp> workload;
    private final int concurrency;
    private final Duration duration;
    private final long requests;
    private final CallOptions callOptions;
    private Duration interval = Duration.ofSeconds(1);
    private Consumer<Progress> progress = p -> { };
    private Predicate<TetherException> abortOn = e -> false;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
    private final LongAdder successes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorsByType = new ConcurrentHashMap<>();
    private final Map<String, String> firstMessageByType = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<TetherException> abortedBy = new AtomicReference<>();

    /** A snapshot passed to the progress callback after each interval. */
    public record Progress(Duration elapsed, long successes, long errors, double callsPerSecond, double p99Micros) {
    }

    /**
     * @param duration how long to run, or null to run {@code requests} calls instead
     * @param requests how many calls to make in all when {@code duration} is null
     */
    public LoadGenerator(TetherClient<Req, Resp> client, Workload<Req, Resp> workload, int concurrency,
                         Duration duration, long requests, CallOptions callOptions) {
        this.client = Objects.requireNonNull(client, "client");
        this.workload = Objects.requireNonNull(workload, "workload");
        this.callOptions = Objects.requireNonNull(callOptions, "callOptions");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be positive: " + concurrency);
        }
        if (duration == null && requests < 1) {
            throw new IllegalArgumentException("requests must be positive: " + requests);
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        this.concurrency = concurrency;
        this.duration = duration;
        this.requests = requests;
    }

    /** How often the timeline is sampled and progress reported; 1 second by default. */
    public LoadGenerator<Req, Resp> interval(Duration interval) {
        this.interval = Objects.requireNonNull(interval, "interval");
        return this;
    }

    /** Called on the running thread after every interval. */
    public LoadGenerator<Req, Resp> onProgress(Consumer<Progress> progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
    }

    /** Stops the whole run at the first failure matching {@code condition} (one that every call would repeat). */
    public LoadGenerator<Req, Resp> abortOn(Predicate<TetherException> condition) {
        this.abortOn = Objects.requireNonNull(condition, "condition");
        return this;
    }

    /** Asks the callers to stop after their current call. */
    public void stop() {
        stop.set(true);
    }

    /** Runs the load and returns the measurements; blocks until every caller stopped. */
    public LoadRun run() throws InterruptedException {
        long start = System.nanoTime();
        long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        AtomicLong remaining = new AtomicLong(duration == null ? requests : Long.MAX_VALUE);
        CountDownLatch finished = new CountDownLatch(concurrency);
        ExecutorService callers = Threads.perTask("tether-bench-caller", concurrency);
        try {
            for (int i = 0; i < concurrency; i++) {
                callers.execute(() -> {
                    try {
                        callUntilDone(end, remaining);
                    } finally {
                        finished.countDown();
                    }
                });
            }
            return sample(start, finished);
        } finally {
            stop.set(true);
            callers.shutdown();
            callers.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private void callUntilDone(long end, AtomicLong remaining) {
        Req request = workload.request();
        while (!stop.get() && System.nanoTime() < end && remaining.getAndDecrement() > 0) {
            long begin = System.nanoTime();
            try {
                Resp reply = client.call(request, callOptions);
                long took = System.nanoTime() - begin;
                if (workload.isExpectedReply().test(reply)) {
                    recorder.recordValue(took);
                    successes.increment();
                } else {
                    error("UnexpectedReply", "the reply was not the echo of the request: " + abbreviate(reply));
                }
            } catch (TetherException e) {
                error(typeOf(e), e.getMessage());
                if (abortOn.test(e) && abortedBy.compareAndSet(null, e)) {
                    stop.set(true);
                }
            } catch (RuntimeException e) {
                error(e.getClass().getSimpleName(), e.getMessage());
            }
        }
    }

    private LoadRun sample(long start, CountDownLatch finished) throws InterruptedException {
        Histogram total = new Histogram(SIGNIFICANT_DIGITS);
        List<LoadRun.Interval> timeline = new ArrayList<>();
        Histogram intervalHistogram = null;
        long lastTick = start;
        long lastErrors = 0;
        boolean done = false;
        while (!done) {
            long next = lastTick + interval.toNanos();
            done = finished.await(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
            long now = System.nanoTime();
            intervalHistogram = recorder.getIntervalHistogram(intervalHistogram);
            total.add(intervalHistogram);
            long errorsNow = errors.sum();
            double seconds = (now - lastTick) / 1e9;
            long calls = intervalHistogram.getTotalCount();
            // A final sliver shorter than a tenth of an interval would show a meaningless rate.
            if (!done || seconds >= interval.toNanos() / 1e10 || timeline.isEmpty()) {
                timeline.add(new LoadRun.Interval((now - start) / 1e9, seconds, calls, errorsNow - lastErrors,
                        calls == 0 ? 0 : intervalHistogram.getValueAtPercentile(99) / 1000.0));
            } else if (!timeline.isEmpty()) {
                LoadRun.Interval last = timeline.remove(timeline.size() - 1);
                timeline.add(last.merge((now - start) / 1e9, seconds, calls, errorsNow - lastErrors));
            }
            lastTick = now;
            lastErrors = errorsNow;
            progress.accept(new Progress(Duration.ofNanos(now - start), successes.sum(), errorsNow,
                    calls / Math.max(seconds, 1e-9), total.getTotalCount() == 0 ? 0
                            : total.getValueAtPercentile(99) / 1000.0));
        }
        Map<String, Long> byType = new TreeMap<>();
        errorsByType.forEach((type, count) -> byType.put(type, count.sum()));
        return new LoadRun(Duration.ofNanos(System.nanoTime() - start), successes.sum(), errors.sum(), byType,
                new TreeMap<>(firstMessageByType), total, timeline, abortedBy.get());
    }

    private void error(String type, String message) {
        errors.increment();
        errorsByType.computeIfAbsent(type, t -> new LongAdder()).increment();
        firstMessageByType.putIfAbsent(type, String.valueOf(message));
    }

    /** The exception's type, with the reason or phase that tells its kinds apart. */
    static String typeOf(TetherException e) {
        String name = e.getClass().getSimpleName();
        if (e instanceof TimedOutException t && !name.equals("HandshakeTimeoutException")
                && !name.equals("PoolExhaustedException")) {
            return name + "(" + t.phase() + ")";
        }
        if (e instanceof ConnectFailedException c) {
            return name + "(" + c.reason() + ")";
        }
        if (e instanceof ConnectionClosedException c) {
            return name + "(" + c.reason() + ")";
        }
        return name;
    }

    private static String abbreviate(Object reply) {
        String s = reply instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(reply);
        return s.length() > 80 ? BenchReport.cut(s, 80) + "..." : s;
    }
}
