package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * 10,000 virtual-thread callers share a pool of 16 connections to a real server: every call completes within
 * its deadline, and no caller blocks inside a monitor while it waits for a connection. JFR records pinned
 * virtual threads ({@code jdk.VirtualThreadPinned}, threshold 0) and monitor enters/waits by virtual threads in
 * Tether's code; both counts must be zero. Runs on JDKs with virtual threads (CI runs the unit tests on JDK 25);
 * compiled for Java 17, so the virtual-thread executor is looked up reflectively.
 *
 * <p>From JDK 24 a virtual thread blocked on a monitor no longer pins its carrier, and JFR does not report its
 * monitor waits, so on those JDKs the recording alone would not see a caller waiting inside one. The pool engine
 * therefore holds no monitor at all: {@link #theEngineUsesNoMonitors()} keeps it that way.
 */
class VirtualThreadCallersTest {
    private static final int CALLERS = 10_000;
    private static final int POOL = 16;
    private static final int WARM_UP = 500;
    /** Generous for a loaded 2-core machine; a pool that stalls or serialises callers would still miss it. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void tenThousandVirtualThreadsShareSixteenConnectionsWithoutPinning() throws Exception {
        List<String> pinned = new ArrayList<>();
        List<String> monitorWaits = new ArrayList<>();
        Path file = Files.createTempFile("virtual-thread-callers", ".jfr");
        try (Recording jfr = new Recording();
             FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     .pool(PoolSettings.builder().maxTotal(POOL).maxPerEndpoint(POOL)
                             // Callers queue for a connection for as long as their deadline allows.
                             .acquireTimeout(DEADLINE).build())
                     .build()) {
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            jfr.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ZERO).withStackTrace();
            jfr.enable("jdk.JavaMonitorWait").withThreshold(Duration.ZERO).withStackTrace();
            // Warm-up first, outside the recording checked: a class loaded for the first time on a virtual thread
            // pins it (class loading runs native frames), which says nothing about how callers wait. It runs under
            // a recording of its own: Tether's events are enabled in any recording, and their first commit while
            // one runs loads JFR's classes for them (seen pinned in AcquireEvent.commit when warmed up without).
            try (Recording warmUp = new Recording()) {
                warmUp.start();
                runCallers(client, WARM_UP);
                warmUp.stop();
            }
            jfr.start();

            assertThat(runCallers(client, CALLERS)).as("calls that outlived their deadline").isZero();
            EndpointStats stats = client.stats().get(server.endpoint());
            assertThat(stats.created()).as("connections made: %s", stats).isLessThanOrEqualTo(POOL);
            assertThat(stats.acquires()).isEqualTo(WARM_UP + CALLERS);
            assertThat(stats.waiting()).isZero();

            jfr.stop();
            jfr.dump(file);
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                String type = e.getEventType().getName();
                if (type.equals("jdk.VirtualThreadPinned")) {
                    pinned.add(describe(e));
                } else if (isVirtual(e) && inTether(e)) {
                    monitorWaits.add(describe(e));
                }
            }
            assertThat(pinned).as("virtual threads pinned to their carrier").isEmpty();
            assertThat(monitorWaits).as("virtual threads blocked on a monitor in Tether's code").isEmpty();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The engine waits only through {@code LockSupport} on its clock and takes no monitor anywhere, so no
     * waiting caller can block inside one, whatever the JDK reports.
     */
    @Test
    void theEngineUsesNoMonitors() throws Exception {
        Path sources = Path.of("src/main/java/dev/tether/pool");
        assertThat(sources).isDirectory();
        List<String> found = new ArrayList<>();
        try (var files = Files.walk(sources)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceAll("//.*", "").trim();
                    if (!code.startsWith("*") && code.matches(".*\\bsynchronized\\b.*")) {
                        found.add(f + ":" + (i + 1) + ": " + code);
                    }
                }
            }
        }
        assertThat(found).as("monitors in sdk-pool's main code").isEmpty();
    }

    /** {@code n} virtual threads, one call each, all started at once; returns how many outlived their deadline. */
    private static int runCallers(TetherClient<String, String> client, int n) throws Exception {
        AtomicInteger late = new AtomicInteger();
        List<Future<String>> replies = new ArrayList<>(n);
        ExecutorService callers = virtualThreadPerTask();
        try {
            for (int i = 0; i < n; i++) {
                String payload = "echo " + i;
                replies.add(callers.submit(() -> {
                    long start = System.nanoTime();
                    String reply = client.call(payload, CallOptions.timeout(DEADLINE));
                    if (System.nanoTime() - start > DEADLINE.toNanos()) {
                        late.incrementAndGet();
                    }
                    return reply;
                }));
            }
            for (int i = 0; i < n; i++) {
                assertThat(replies.get(i).get(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS)).isEqualTo(String.valueOf(i));
            }
        } finally {
            callers.shutdownNow(); // ExecutorService is AutoCloseable only from JDK 19; this compiles for 17
        }
        return late.get();
    }

    private static ExecutorService virtualThreadPerTask() throws ReflectiveOperationException {
        Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        return (ExecutorService) m.invoke(null);
    }

    private static boolean isVirtual(RecordedEvent e) {
        try {
            Object thread = e.getThread();
            return thread != null && (boolean) thread.getClass().getMethod("isVirtual").invoke(thread);
        } catch (ReflectiveOperationException notOnThisJdk) {
            return false;
        }
    }

    private static boolean inTether(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return false;
        }
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (f.getMethod().getType().getName().startsWith("dev.tether.")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(RecordedEvent e) {
        StringBuilder sb = new StringBuilder(e.getEventType().getName());
        if (e.getStackTrace() != null) {
            e.getStackTrace().getFrames().stream().limit(12).forEach(f ->
                    sb.append("\n  at ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName()));
        }
        return sb.toString();
    }
}
