package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.pool.LoadBalancing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * The shares {@link LoadBalancing#P2C_EWMA} gives, on a clock moved by hand: eight callers call without pause,
 * each endpoint answers in a fixed time, and the test plays the calls out in the order they finish (a small
 * event simulation, no sockets and no threads), so the shares depend on the balancer alone and not on how a
 * loaded host schedules real servers. {@code P2cEwmaBalancingTest} runs the same two cases over real sockets.
 */
class P2cSharesTest {
    private static final int CALLERS = 8;
    private static final int CALLS = 30_000;

    private final ManualTime time = new ManualTime();

    @Test
    void equalEndpointsShareTheCallsEvenly() throws Exception {
        long[] calls = play(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));
        long max = Math.max(calls[0], Math.max(calls[1], calls[2]));
        long min = Math.min(calls[0], Math.min(calls[1], calls[2]));
        // A herding pick (all to the one that looks idle) or a sticky one would be far off; random draws of two
        // among three over 30,000 calls stay within a few per cent.
        assertThat((double) max / min).as("busiest / least busy of %s", java.util.Arrays.toString(calls))
                .isLessThanOrEqualTo(1.1);
    }

    @Test
    void anEndpointFiveTimesSlowerGetsAClearlySmallerShare() throws Exception {
        long[] calls = play(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(1));
        // Round robin would give each a third. The slow one must get well under half of either fast one.
        assertThat(calls[1]).as("slow %d, fast %d and %d", calls[1], calls[0], calls[2])
                .isLessThan(Math.min(calls[0], calls[2]) / 2);
    }

    /** Plays {@link #CALLS} calls from {@link #CALLERS} callers; returns the calls each endpoint took. */
    private long[] play(Duration... replyTimes) throws Exception {
        List<EndpointPool> pools = new ArrayList<>();
        for (int i = 0; i < replyTimes.length; i++) {
            pools.add(TestEndpoints.endpoint(i, time));
        }
        Balancer balancer = new Balancer(new EndpointSet(pools), LoadBalancing.P2C_EWMA, 0.5f, time);
        long[] taken = new long[pools.size()];
        // Calls in flight, by the time they finish: {finish nanos, endpoint index, start nanos}.
        PriorityQueue<long[]> inFlight = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int c = 0; c < CALLERS; c++) {
            inFlight.add(start(balancer, pools, replyTimes, taken));
        }
        for (int done = 0; done < CALLS; done++) {
            long[] call = inFlight.poll();
            time.advance(Duration.ofNanos(call[0] - time.nanoTime()));
            EndpointPool ep = pools.get((int) call[1]);
            long rtt = call[0] - call[2];
            ep.inFlight.decrement();
            ep.latency.record(rtt, time.nanoTime());
            ep.recordSuccess(rtt);
            inFlight.add(start(balancer, pools, replyTimes, taken));
        }
        return taken;
    }

    /** One caller's next call: picked now, counted in flight, answered after its endpoint's reply time. */
    private long[] start(Balancer balancer, List<EndpointPool> pools, Duration[] replyTimes, long[] taken)
            throws Exception {
        CallState st = new CallState(Deadline.after(Duration.ofSeconds(10), time::nanoTime), true, false);
        EndpointPool ep = balancer.pick(st);
        int index = pools.indexOf(ep);
        taken[index]++;
        ep.inFlight.increment();
        long now = time.nanoTime();
        return new long[] {now + replyTimes[index].toNanos(), index, now};
    }
}
