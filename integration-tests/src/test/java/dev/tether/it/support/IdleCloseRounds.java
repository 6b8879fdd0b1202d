package dev.tether.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.testcontainers.containers.GenericContainer;

/**
 * The idle-close scenario shared by the proxies' suites (nginx {@code proxy_timeout}, HAProxy
 * {@code timeout client}, stunnel {@code TIMEOUTidle}): bursts of calls separated by idle gaps that last until
 * the server has closed every connection the pool holds, then the check that the pool found each closed
 * connection before a caller could use it.
 */
public final class IdleCloseRounds {
    private IdleCloseRounds() {
    }

    /** One call of a burst; {@code round} counts bursts from 0. */
    @FunctionalInterface
    public interface RoundCall {
        void run(int round, long sequence) throws Exception;
    }

    /**
     * Runs {@code rounds} bursts of {@code callsPerBurst} calls over {@code callers} threads; after each one waits
     * (up to {@code closeWithin}) until {@code server} (called {@code serverName} in messages) has no established
     * connection on {@code port}.
     *
     * @return every failed call of every burst
     */
    public static List<CallLoad.Failure> run(int rounds, int callers, long callsPerBurst, String serverName,
                                             GenericContainer<?> server, int port, Duration closeWithin,
                                             RoundCall call) throws Exception {
        List<CallLoad.Failure> failures = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int r = round;
            CallLoad.Outcome burst = CallLoad.run(callers, callsPerBurst, Duration.ofMinutes(1),
                    (caller, seq) -> call.run(r, seq));
            failures.addAll(burst.failures());
            assertThat(burst.succeeded()).as("calls that succeeded in round %d", round)
                    .isEqualTo(callsPerBurst - burst.failures().size());
            // The idle gap: no calls until the server has timed out and closed every connection the pool holds.
            Awaitility.await(serverName + " closing the pool's idle connections after round " + round)
                    .atMost(closeWithin)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> TlsServers.establishedConnections(server, port) == 0);
        }
        return failures;
    }

    /**
     * Asserts that every connection the pool opened was closed by the server while idle and found so (STALE)
     * before a call could use it: none broke under a call and nothing needed a retry.
     *
     * @return the endpoint's stats once the pool holds no idle connection
     */
    public static EndpointStats assertClosedConnectionsNeverReachedCallers(TetherClient<?, ?> client, Endpoint endpoint,
                                                                           int rounds, RecordingListener listener) {
        Awaitility.await("the pool noticing the last round's closed connections")
                .atMost(Duration.ofSeconds(10))
                .until(() -> client.stats().get(endpoint).idle() == 0);
        EndpointStats stats = client.stats().get(endpoint);
        assertThat(stats.created()).as("connections opened over %d rounds", rounds).isGreaterThanOrEqualTo(rounds);
        assertThat(stats.destroyed(DestroyReason.STALE)).isEqualTo(stats.created());
        assertThat(stats.destroyed(DestroyReason.BROKEN)).isZero();
        assertThat(listener.retried()).as("retries (none needed when closed connections are found first)").isEmpty();
        return stats;
    }
}
