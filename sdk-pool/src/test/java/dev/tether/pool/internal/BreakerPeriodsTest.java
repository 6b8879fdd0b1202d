package dev.tether.pool.internal;

import static dev.tether.pool.internal.TestEndpoints.trip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Deadline;
import dev.tether.pool.BreakerState;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.CircuitOpenException;
import dev.tether.pool.LoadBalancing;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The breaker rules with defaults, time driven by hand: open periods start at 1s and double per consecutive trip
 * up to 30s; a breaker only keeps calls away while other endpoints can take them (panic threshold); a new
 * connection to an endpoint that was unreachable closes its breaker.
 */
class BreakerPeriodsTest {
    private static final CircuitBreakerSettings BREAKER = TestEndpoints.BREAKER;
    private final ManualTime time = new ManualTime();
    private final Listeners listeners = new Listeners(List.of());

    private EndpointPool endpoint(int index) {
        return TestEndpoints.endpoint(index, time);
    }

    /** Lets the half-open probes through and fails them, which opens the breaker again. */
    private void failProbes(EndpointPool ep) {
        time.advance(Duration.ofNanos(ep.nanosUntilProbe()));
        for (int i = 0; i < BREAKER.halfOpenCalls(); i++) {
            assertThat(ep.tryPermission()).as("probe %d", i).isTrue();
        }
        for (int i = 0; i < BREAKER.halfOpenCalls(); i++) {
            ep.recordFailure(1_000, new IOException("still failing"));
        }
        assertThat(ep.breakerOpen()).isTrue();
    }

    @Test
    void openPeriodsStartAtOneSecondAndDoubleWithEachConsecutiveTripUpToThirtySeconds() {
        EndpointPool ep = endpoint(0);
        trip(ep);
        assertThat(ep.nanosUntilProbe()).isBetween(ms(800), ms(1200));
        time.advance(Duration.ofMillis(700));
        assertThat(ep.tryPermission()).as("still open").isFalse();

        long[] expectedMillis = {2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (long expected : expectedMillis) {
            failProbes(ep);
            assertThat(ep.nanosUntilProbe()).as("after another trip").isBetween(ms(expected * 8 / 10), ms(expected * 12 / 10));
        }
    }

    @Test
    void closingResetsTheOpenPeriodToOneSecond() {
        EndpointPool ep = endpoint(0);
        trip(ep);
        failProbes(ep);
        failProbes(ep);
        assertThat(ep.nanosUntilProbe()).isGreaterThan(ms(3_000));
        time.advance(Duration.ofNanos(ep.nanosUntilProbe()));
        for (int i = 0; i < BREAKER.halfOpenCalls(); i++) {
            assertThat(ep.tryPermission()).isTrue();
            ep.recordSuccess(1_000);
        }
        assertThat(ep.breakerState()).isEqualTo(BreakerState.CLOSED);
        trip(ep);
        assertThat(ep.nanosUntilProbe()).isBetween(ms(800), ms(1200));
    }

    @Test
    void aNewConnectionToAnEndpointThatWasUnreachableClosesItsBreaker() {
        EndpointPool ep = endpoint(0);
        Reachability reachability = new Reachability("test", set(ep),
                new Balancer(set(ep), LoadBalancing.ROUND_ROBIN, BREAKER.panicThreshold(), time), listeners, time);
        trip(ep);
        reachability.failed(ep, new ConnectFailedException(ConnectFailedException.Reason.REFUSED, ep.endpoint, null, null));
        assertThat(ep.health.isUp()).isFalse();
        reachability.connected(ep);
        assertThat(ep.health.isUp()).isTrue();
        assertThat(ep.breakerState()).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void withOneEndpointAnOpenBreakerNeverRefusesACall() throws Exception {
        EndpointPool only = endpoint(0);
        Balancer balancer = new Balancer(set(only), LoadBalancing.ROUND_ROBIN, BREAKER.panicThreshold(), time);
        trip(only);
        CallState st = call();
        assertThat(balancer.pick(st)).isSameAs(only);
        assertThat(st.permitted).as("no permission: the outcome is not recorded while open").isFalse();
    }

    @Test
    void anOpenBreakerSendsCallsToTheOtherEndpointWhileItIsHealthy() throws Exception {
        EndpointPool a = endpoint(0);
        EndpointPool b = endpoint(1);
        Balancer balancer = new Balancer(set(a, b), LoadBalancing.ROUND_ROBIN, BREAKER.panicThreshold(), time);
        trip(a);
        for (int i = 0; i < 10; i++) {
            CallState st = call();
            assertThat(balancer.pick(st)).isSameAs(b);
            assertThat(st.permitted).isTrue();
            b.releasePermission();
        }
    }

    @Test
    void whenTooFewEndpointsAreHealthyBreakersAreIgnoredAndEveryReachableEndpointTakesCalls() throws Exception {
        EndpointPool a = endpoint(0);
        EndpointPool b = endpoint(1);
        EndpointPool c = endpoint(2);
        Balancer balancer = new Balancer(set(a, b, c), LoadBalancing.ROUND_ROBIN, BREAKER.panicThreshold(), time);
        trip(a);
        trip(b); // 1 of 3 healthy: below the 50% panic threshold
        java.util.Set<EndpointPool> picked = new java.util.HashSet<>();
        for (int i = 0; i < 9; i++) {
            picked.add(balancer.pick(call()));
        }
        assertThat(picked).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void unreachableEndpointsAreNeverPickedAndNoneReachableMeansWait() throws Exception {
        EndpointPool a = endpoint(0);
        EndpointPool b = endpoint(1);
        Balancer balancer = new Balancer(set(a, b), LoadBalancing.LEAST_IN_FLIGHT, BREAKER.panicThreshold(), time);
        a.health.failed(new ConnectFailedException(ConnectFailedException.Reason.REFUSED, a.endpoint, null, null));
        for (int i = 0; i < 5; i++) {
            assertThat(balancer.pick(call())).isSameAs(b);
        }
        b.health.failed(new ConnectFailedException(ConnectFailedException.Reason.REFUSED, b.endpoint, null, null));
        assertThat(balancer.pick(call())).isNull();
    }

    @Test
    void aPanicThresholdOfZeroLetsBreakersRefuseEveryCall() {
        EndpointPool only = endpoint(0);
        Balancer balancer = new Balancer(set(only), LoadBalancing.ROUND_ROBIN, 0, time);
        trip(only);
        assertThatThrownBy(() -> balancer.pick(call())).isInstanceOf(CircuitOpenException.class);
    }

    private static CallState call() {
        return new CallState(Deadline.after(Duration.ofSeconds(5)), true, true);
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    private static EndpointSet set(EndpointPool... pools) {
        return new EndpointSet(java.util.List.of(pools));
    }
}
