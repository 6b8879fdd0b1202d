package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Endpoint;
import dev.tether.pool.ReconnectSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Reconnects to an unreachable endpoint follow one shared, growing, jittered schedule: time is driven by hand,
 * and "random" is fixed where the exact schedule is checked.
 */
class ReconnectBackoffTest {
    private static final ReconnectSettings DEFAULTS = ReconnectSettings.defaults();

    private static Backoff backoff(double random) {
        return new Backoff(DEFAULTS.initialBackoff(), DEFAULTS.multiplier(), DEFAULTS.jitter(), DEFAULTS.maxBackoff(),
                () -> random);
    }

    private static ConnectFailedException refused() {
        return new ConnectFailedException(ConnectFailedException.Reason.REFUSED, Endpoint.parse("127.0.0.1:1"), null, null);
    }

    @Test
    void theDefaultScheduleStartsSmallGrowsBy1point6AndStopsAt200ms() {
        Backoff middle = backoff(0.5); // no jitter either way
        assertThat(millis(middle.delayNanos(1))).isEqualTo(20.0);
        assertThat(millis(middle.delayNanos(2))).isEqualTo(32.0);
        assertThat(millis(middle.delayNanos(3))).isCloseTo(51.2, org.assertj.core.data.Offset.offset(0.01));
        assertThat(millis(middle.delayNanos(6))).isEqualTo(200.0); // 20 * 1.6^5 = 209.7, capped
        assertThat(millis(middle.delayNanos(1_000))).isEqualTo(200.0);
    }

    @Test
    void jitterSpreadsEachDelayByTwentyPercentEitherWay() {
        assertThat(millis(backoff(0.0).delayNanos(1))).isEqualTo(16.0);
        assertThat(millis(backoff(1.0).delayNanos(1))).isEqualTo(24.0);
        assertThat(millis(backoff(1.0).delayNanos(50))).isEqualTo(240.0);
        assertThat(millis(backoff(1.0).maxDelayNanos())).isEqualTo(240.0);
    }

    @Test
    void aDownEndpointAdmitsOneAttemptAtATimeAndOnlyOnceTheBackoffHasPassed() {
        ManualTime time = new ManualTime();
        EndpointHealth health = new EndpointHealth(time, backoff(0.5));
        assertThat(health.admitConnect()).as("up: any number of connects").isTrue();
        assertThat(health.admitConnect()).isTrue();

        assertThat(health.failed(refused())).isEqualTo(EndpointHealth.Change.WENT_DOWN);
        assertThat(health.isUp()).isFalse();
        assertThat(health.admitConnect()).as("backing off").isFalse();
        time.advance(Duration.ofMillis(19));
        assertThat(health.admitConnect()).isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(health.admitConnect()).as("20ms after the first failure").isTrue();
        assertThat(health.admitConnect()).as("one attempt at a time").isFalse();

        assertThat(health.failed(refused())).isEqualTo(EndpointHealth.Change.NONE);
        time.advance(Duration.ofMillis(31));
        assertThat(health.admitConnect()).isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(health.admitConnect()).as("32ms after the second").isTrue();

        assertThat(health.connected()).isEqualTo(EndpointHealth.Change.CAME_BACK);
        assertThat(health.isUp()).isTrue();
        assertThat(health.outage()).isNull();
        assertThat(health.failed(refused())).as("a new outage").isEqualTo(EndpointHealth.Change.WENT_DOWN);
        time.advance(Duration.ofMillis(20));
        assertThat(health.admitConnect()).as("the schedule starts again at 20ms").isTrue();
    }

    @Test
    void connectsThatRacedTheFirstFailureDoNotLengthenTheBackoff() {
        ManualTime time = new ManualTime();
        EndpointHealth health = new EndpointHealth(time, backoff(0.5));
        // 64 callers were connecting when the server went away: all their refusals arrive.
        for (int i = 0; i < 64; i++) {
            health.failed(refused());
        }
        time.advance(Duration.ofMillis(20));
        assertThat(health.admitConnect()).as("still the first step of the schedule").isTrue();
        health.failed(refused());
        time.advance(Duration.ofMillis(32));
        assertThat(health.admitConnect()).as("then the second").isTrue();
    }

    @Test
    void anOutageSaysSinceWhenHowManyConnectsFailedAndTheLastError() {
        ManualTime time = new ManualTime();
        EndpointHealth health = new EndpointHealth(time, backoff(0.5));
        ConnectFailedException first = refused();
        health.failed(first);
        time.advance(Duration.ofMillis(20));
        assertThat(health.admitConnect()).isTrue();
        ConnectFailedException second = refused();
        health.failed(second);
        time.advance(Duration.ofMillis(10));

        EndpointHealth.Outage outage = health.outage();
        assertThat(outage.downForNanos()).isEqualTo(Duration.ofMillis(30).toNanos());
        assertThat(outage.failedConnects()).isEqualTo(2);
        assertThat(outage.lastError()).isSameAs(second);
        assertThat(outage.nextAttemptInNanos()).isEqualTo(Duration.ofMillis(22).toNanos());
    }

    @Test
    void countingAttemptsOverATenSecondOutageStaysWithinTheSchedule() {
        ManualTime time = new ManualTime();
        EndpointHealth health = new EndpointHealth(time, backoff(0.0)); // shortest delays: the most attempts
        health.failed(refused());
        int attempts = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            // A thousand callers asking every millisecond still make one attempt per backoff period.
            for (int caller = 0; caller < 1_000 && health.admitConnect(); caller++) {
                attempts++;
                health.failed(refused());
            }
            time.advance(Duration.ofMillis(1));
        }
        // 16, 25.6, 41, 65.5, 104.9, 160 then every 160ms: about 62 attempts in 10s, never one per caller.
        assertThat(attempts).isBetween(55, 70);
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
