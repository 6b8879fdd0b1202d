package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A lease closed while a response it asked for is still owed must not hand its connection to the next caller,
 * who would read that response as the answer to its own request.
 */
class UnansweredLeaseRequestTest {

    @Test
    void aLeaseClosedBeforeReceivingEveryResponseDestroysItsConnection() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server)
                     // No liveness read on reuse, so the outcome does not depend on when the stale reply lands.
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1)
                             .validateAfterInactivity(Duration.ofMinutes(5)).build())
                     .build()) {
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("echo answered", Duration.ofSeconds(5))).isEqualTo("answered");
                lease.send("echo meant for the lease", Duration.ofSeconds(5));
            }
            assertThat(client.call("echo mine", CallOptions.timeout(Duration.ofSeconds(5)))).isEqualTo("mine");
            assertThat(Clients.destroyed(client, DestroyReason.BROKEN)).isEqualTo(1);
        }
    }

    @Test
    void aLeaseThatReceivedEveryResponseKeepsItsConnectionPooled() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            try (Lease<String, String> lease = client.lease()) {
                lease.send("echo 1", Duration.ofSeconds(5));
                assertThat(lease.exchange("echo 2", Duration.ofSeconds(5))).isEqualTo("1");
                assertThat(lease.receive(Duration.ofSeconds(5))).isEqualTo("2");
            }
            assertThat(client.call("echo mine")).isEqualTo("mine");
            assertThat(server.accepted()).isEqualTo(1);
            assertThat(client.stats().get(server.endpoint()).reuses()).isEqualTo(1);
        }
    }
}
