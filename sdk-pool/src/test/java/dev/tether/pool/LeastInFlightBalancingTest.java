package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadBalancing#LEAST_IN_FLIGHT}: a call goes to the endpoint with the fewest calls and leases in flight,
 * and ties go round robin. One endpoint is kept busy by a held lease; round robin would still send it half.
 */
class LeastInFlightBalancingTest {

    @Test
    void callsAvoidTheBusyEndpointAndTiesGoRoundRobin() throws Exception {
        try (FaultyServer a = FaultyServer.start(); FaultyServer b = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(Clients.CODEC)
                     .endpoint(a.endpoint()).endpoint(b.endpoint())
                     .loadBalancing(LoadBalancing.LEAST_IN_FLIGHT).build()) {
            Lease<String, String> busy = client.lease();
            FaultyServer busyServer = busy.endpoint().equals(a.endpoint()) ? a : b;
            FaultyServer idleServer = busyServer == a ? b : a;
            assertThat(client.stats().get(busy.endpoint()).inFlight()).isEqualTo(1);

            for (int i = 0; i < 10; i++) {
                assertThat(client.call("echo " + i)).isEqualTo(String.valueOf(i));
            }
            assertThat(idleServer.requests()).isEqualTo(10);
            assertThat(busyServer.requests()).isZero();

            busy.close();
            assertThat(client.stats().get(busyServer.endpoint()).inFlight()).isZero();
            for (int i = 0; i < 10; i++) {
                client.call("echo tie " + i);
            }
            // Nothing in flight on either: the ten calls alternate.
            assertThat(busyServer.requests()).isEqualTo(5);
            assertThat(idleServer.requests()).isEqualTo(15);
        }
    }
}
