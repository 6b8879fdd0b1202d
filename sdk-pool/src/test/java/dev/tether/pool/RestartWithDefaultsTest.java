package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a user gets with default settings everywhere (pool, retry, breaker, reconnect, call options) when the one
 * server restarts, stays down, or one of two endpoints dies: the figures the README's reliability section
 * quotes come from here (the log line of each test).
 */
class RestartWithDefaultsTest {
    private static final Logger LOG = LoggerFactory.getLogger(RestartWithDefaultsTest.class);
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    /** How long the server stays down in each restart: "killed and back within 1 s". */
    private static final long DOWN_MILLIS = 600;

    @ParameterizedTest(name = "{0} callers")
    @ValueSource(ints = {16, 64})
    void twoRestartsCostNoIdempotentCallAndThePoolServesAgainRightAfterTheServerListens(int callers) throws Exception {
        FaultyServer server = FaultyServer.start();
        Events events = new Events();
        try (TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint())
                .listener(events).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            AtomicLong lastOkNanos = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                futures.add(pool.submit(() -> {
                    for (long n = 0; running.get(); n++) {
                        try {
                            String reply = client.call("echo " + caller + ":" + n, CallOptions.timeout(DEADLINE).idempotent());
                            assertThat(reply).isEqualTo(caller + ":" + n);
                            ok.incrementAndGet();
                            lastOkNanos.set(System.nanoTime());
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }
                    return null;
                }));
            }
            List<Long> servingAgainMillis = new ArrayList<>();
            for (int restart = 0; restart < 2; restart++) {
                long before = ok.get();
                // Real-time restart scenario (system clock on purpose): traffic over real sockets.
                await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= before + 1_000);
                server.stop();
                long stoppedAt = System.nanoTime();
                // Real-time restart scenario: the outage is measured on the system clock.
                await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - stoppedAt >= DOWN_MILLIS * 1_000_000);
                server.restart();
                long listeningAt = System.nanoTime();
                // Real-time restart scenario: recovery time after the restart, on the system clock.
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                        .until(() -> lastOkNanos.get() - listeningAt > 0);
                servingAgainMillis.add((lastOkNanos.get() - listeningAt) / 1_000_000);
            }
            running.set(false);
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(failures).as("failed idempotent calls").isEmpty();
            assertThat(events.outages()).as("outages noticed").hasSize(2);
            // The shortest schedule (jitter -20%) after the outage began: 16, 25.6, 41, 65.5, 104.9ms, then every 160ms.
            for (Events.Outage o : events.outages()) {
                assertThat(o.failedConnects()).as("failed connects in %d ms down", o.downForMillis())
                        .isLessThanOrEqualTo(7 + (int) (o.downForMillis() / 160));
            }
            // Serving again within one backoff period (at most 240ms) of listening, plus a loaded machine's scheduling.
            assertThat(servingAgainMillis).allSatisfy(ms -> assertThat(ms).isLessThan(1_000));
            LOG.info("{} callers, default settings: {} calls, 0 failed, across 2 restarts down {} ms each; serving again"
                            + " {} ms after the server listened; outages {}; {} connections made in all", callers, ok.get(),
                    DOWN_MILLIS, servingAgainMillis, events.outages(), client.stats().get(server.endpoint()).created());
        } finally {
            server.close();
        }
    }

    @Test
    void whileTheServerStaysDownCallsEndAtTheirDeadlinesTypedAndTheClientBarelyUsesCpu() throws Exception {
        FaultyServer server = FaultyServer.start();
        int callers = 16;
        Duration deadline = Duration.ofSeconds(1);
        try (TetherClient<String, String> client = TetherClient.builder(Clients.CODEC).endpoint(server.endpoint()).build()) {
            assertThat(client.call("echo warm")).isEqualTo("warm");
            server.stop();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Long> overrunMillis = new CopyOnWriteArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<?>> futures = new ArrayList<>();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long callsStart = System.nanoTime();
            for (int c = 0; c < callers; c++) {
                futures.add(pool.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        try {
                            client.call("echo lost", CallOptions.timeout(deadline).idempotent());
                        } catch (Throwable t) {
                            failures.add(t);
                            overrunMillis.add((System.nanoTime() - start) / 1_000_000 - deadline.toMillis());
                        }
                    }
                    return null;
                }));
            }
            // The first second warms up (JIT compilation is CPU the client spends once, not while waiting).
            // Real-time scenario: CPU use while waiting is measured against the system clock.
            await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - callsStart >= 1_000_000_000L);
            long cpuStart = os.getProcessCpuTime();
            java.util.Map<Long, Long> threadCpuStart = threadCpuTimes();
            long wallStart = System.nanoTime();
            // Real-time scenario: CPU use while waiting is measured against the system clock.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> System.nanoTime() - wallStart >= 3_000_000_000L);
            long wall = System.nanoTime() - wallStart;
            double processShare = (os.getProcessCpuTime() - cpuStart) / (double) wall;
            // Java threads only (callers, the client's maintenance and reconnect threads, carriers of virtual
            // threads): the JVM's own JIT and GC work left over from earlier tests in this JVM is not the client's.
            double cpuShare = cpuSince(threadCpuStart) / (double) wall;
            running.set(false);
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(failures).isNotEmpty().allSatisfy(t -> {
                assertThat(t).isInstanceOf(EndpointUnavailableException.class);
                EndpointUnavailableException e = (EndpointUnavailableException) t;
                assertThat(e.phase()).isEqualTo(TimedOutException.Phase.CONNECT);
                assertThat(e.getCause()).isInstanceOf(TetherException.class);
            });
            // Only the call that found the warm connection dead had a first attempt that may have been sent (a
            // plain TCP FIN is invisible until read); every other call never sent anything.
            assertThat(failures).filteredOn(t -> ((TetherException) t).requestState() == RequestState.MAY_HAVE_BEEN_SENT)
                    .hasSizeLessThanOrEqualTo(1);
            // Each ends at its deadline: never early (a busy loop of fast failures), never a second wait late.
            assertThat(overrunMillis).allSatisfy(ms -> assertThat(ms).isBetween(-50L, 500L));
            assertThat(cpuShare).as("client CPU while every call waits, in cores").isLessThan(0.05);
            LOG.info("server down 4s, {} callers with 1s deadlines: {} calls failed at their deadlines with "
                    + "EndpointUnavailableException; client threads' CPU {}% of one core (whole JVM {}%)", callers,
                    failures.size(), String.format("%.2f", cpuShare * 100), String.format("%.2f", processShare * 100));
        } finally {
            server.close();
        }
    }

    @Test
    void withOneOfTwoEndpointsDownForGoodNoIdempotentCallFailsAfterTheFirstSecond() throws Exception {
        FaultyServer dead = FaultyServer.start();
        try (FaultyServer alive = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(dead.endpoint()).endpoint(alive.endpoint()).build()) {
            for (int i = 0; i < 10; i++) {
                client.call("echo warm " + i);
            }
            dead.stop();
            long stoppedAt = System.nanoTime();
            int callers = 16;
            AtomicBoolean running = new AtomicBoolean(true);
            List<Long> failedAtMillis = new CopyOnWriteArrayList<>();
            AtomicLong ok = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                futures.add(pool.submit(() -> {
                    while (running.get()) {
                        try {
                            client.call("echo x", CallOptions.timeout(DEADLINE).idempotent());
                            ok.incrementAndGet();
                        } catch (TetherException e) {
                            failedAtMillis.add((System.nanoTime() - stoppedAt) / 1_000_000);
                        }
                    }
                    return null;
                }));
            }
            // Real-time scenario: the outage is measured on the system clock.
            await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - stoppedAt >= 3_000_000_000L);
            running.set(false);
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(failedAtMillis).as("failed idempotent calls after the first second")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(1_000));
            LOG.info("one of two endpoints down for 3s, {} callers, default settings: {} calls ok, {} failed", callers,
                    ok.get(), failedAtMillis.size());
        } finally {
            dead.close();
        }
    }

    private static java.util.Map<Long, Long> threadCpuTimes() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        java.util.Map<Long, Long> times = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t >= 0) {
                times.put(id, t);
            }
        }
        return times;
    }

    /** CPU time of the Java threads alive now since {@code start} (threads started since count in full). */
    private static long cpuSince(java.util.Map<Long, Long> start) {
        long sum = 0;
        for (java.util.Map.Entry<Long, Long> now : threadCpuTimes().entrySet()) {
            sum += now.getValue() - start.getOrDefault(now.getKey(), 0L);
        }
        return sum;
    }

    /** Outages as the client reports them. */
    private static final class Events implements TetherClientListener {
        record Outage(long downForMillis, int failedConnects) {
        }

        private final List<Outage> outages = new CopyOnWriteArrayList<>();

        @Override
        public void endpointReachable(Endpoint endpoint, Duration downFor, int failedConnects) {
            outages.add(new Outage(downFor.toMillis(), failedConnects));
        }

        List<Outage> outages() {
            return outages;
        }
    }
}
