package dev.tether.core.testing;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LineCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs many calls whose reply is still trickling in when their deadline passes (against a
 * {@link TrickleServer}) and tallies how each one ended, so a test can demand that every single one is the
 * same typed timeout. Each try uses a fresh connection: a timed-out connection is broken.
 */
public final class DeadlineStress {
    private DeadlineStress() {
    }

    /** How the tries ended: a description of each kind of outcome, with its count and a first example. */
    public record Tally(Map<String, Integer> counts, Map<String, Throwable> examples) {
        public int count(String outcome) {
            return counts.getOrDefault(outcome, 0);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(counts.toString());
            examples.forEach((k, e) -> sb.append("\n  e.g. ").append(k).append(": ").append(e));
            return sb.toString();
        }
    }

    /** The outcome description of a {@code TimedOutException} with phase READ and MAY_HAVE_BEEN_SENT. */
    public static final String READ_TIMEOUT = "TimedOutException(READ, MAY_HAVE_BEEN_SENT)";

    /**
     * Makes {@code tries} calls, {@code parallel} at a time, each connecting, sending one line and waiting for
     * a reply line within {@code deadline}, which starts once the request is written.
     */
    public static Tally run(Connector connector, Endpoint endpoint, int tries, int parallel, Duration deadline)
            throws Exception {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        Map<String, Throwable> examples = new ConcurrentHashMap<>();
        AtomicInteger left = new AtomicInteger(tries);
        ExecutorService threads = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < parallel; w++) {
                workers.add(threads.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        Throwable outcome = oneTry(connector, endpoint, deadline);
                        String kind = describe(outcome);
                        counts.merge(kind, 1, Integer::sum);
                        if (outcome != null) {
                            examples.putIfAbsent(kind, outcome);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        return new Tally(new TreeMap<>(counts), new TreeMap<>(examples));
    }

    private static Throwable oneTry(Connector connector, Endpoint endpoint, Duration timeout) {
        Connection c;
        try {
            c = connector.connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
        } catch (Exception e) {
            return new IllegalStateException("connect failed (not what this test is about)", e);
        }
        try (FramedConnection<String, String> framed = new FramedConnection<>(c, LineCodec.create())) {
            // The request goes out with time to spare: what is tested is the reply's deadline, not how fast a
            // loaded machine gets a few bytes out.
            framed.send("GET", Deadline.after(Duration.ofSeconds(10)));
            String reply = framed.receive(Deadline.after(timeout));
            return new IllegalStateException("got a whole reply from a trickle that never ends a line: " + reply);
        } catch (Exception e) {
            return e;
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof TimedOutException e) {
            return "TimedOutException(" + e.phase() + ", " + e.requestState() + ")";
        }
        if (t instanceof ConnectionClosedException e) {
            return "ConnectionClosedException(" + e.reason() + ", " + e.requestState() + ")";
        }
        if (t instanceof TetherException e) {
            return e.getClass().getSimpleName() + "(" + e.requestState() + ")";
        }
        return t.getClass().getSimpleName();
    }
}
