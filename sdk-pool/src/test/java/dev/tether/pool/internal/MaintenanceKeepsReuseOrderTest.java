package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.Lease;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import dev.tether.pool.testing.NumberedConnectionServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PoolSettings#lifo()} holds after maintenance claimed, checked and handed back every idle connection:
 * a maintenance run that put them back in the wrong order would make a lifo pool reuse the least recently
 * returned connection, so spare connections never age out. Maintenance runs exactly once, on the test's thread,
 * with the client's clock moved by hand past the reuse-check threshold so every connection is probed.
 */
class MaintenanceKeepsReuseOrderTest {
    private static final LineCodec CODEC = LineCodec.create();

    @Test
    void lifoStillReusesTheMostRecentlyReturnedConnection() throws Exception {
        assertThat(nextAfterMaintenance(true)).isEqualTo(2);
    }

    @Test
    void fifoStillReusesTheLeastRecentlyReturnedConnection() throws Exception {
        assertThat(nextAfterMaintenance(false)).isZero();
    }

    /** Which of three connections, returned in order 0, 1, 2 and then handed back, is reused next. */
    private static int nextAfterMaintenance(boolean lifo) throws Exception {
        ManualTime time = new ManualTime();
        try (NumberedConnectionServer server = NumberedConnectionServer.start();
             TetherClient<String, String> client = dev.tether.pool.ManualClients.on(time, TetherClient.builder(CODEC))
                     .endpoint(server.endpoint())
                     .pool(PoolSettings.builder().lifo(lifo).maintenanceInterval(Duration.ofMinutes(10)).build())
                     .build()) {
            time.runDue(); // the first maintenance run, scheduled at start, with nothing idle yet
            List<Lease<String, String>> leases = List.of(client.lease(), client.lease(), client.lease());
            List<String> returned = new ArrayList<>();
            for (Lease<String, String> lease : leases) {
                returned.add(lease.exchange("which"));
            }
            leases.forEach(Lease::close);
            time.advance(Duration.ofSeconds(5)); // less than the maintenance interval: no run on its own
            dev.tether.pool.ManualClients.maintain(client);
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(3);
            try (Lease<String, String> next = client.lease()) {
                return returned.indexOf(next.exchange("which"));
            }
        }
    }
}
