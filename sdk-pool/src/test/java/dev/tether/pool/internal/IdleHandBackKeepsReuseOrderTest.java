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
 * {@link PoolSettings#lifo()} holds after maintenance moved idle connections from the client's ready list back
 * into commons-pool2 ({@link ClientCore#flushReady}): before, they went back most recent first, each to the
 * front of commons-pool2's idle list, so a lifo pool then reused the least recently returned connection and
 * spare connections never aged out. The test calls the hand-back itself, so it happens exactly once, at a known
 * point; the maintenance interval is long only to keep the background run out of the way.
 */
class IdleHandBackKeepsReuseOrderTest {
    private static final LineCodec CODEC = LineCodec.create();

    @Test
    void lifoStillReusesTheMostRecentlyReturnedConnection() throws Exception {
        assertThat(nextAfterHandBack(true)).isEqualTo(2);
    }

    @Test
    void fifoStillReusesTheLeastRecentlyReturnedConnection() throws Exception {
        assertThat(nextAfterHandBack(false)).isZero();
    }

    /** Which of three connections, returned in order 0, 1, 2 and then handed back, is reused next. */
    private static int nextAfterHandBack(boolean lifo) throws Exception {
        try (NumberedConnectionServer server = NumberedConnectionServer.start();
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     .pool(PoolSettings.builder().lifo(lifo).maintenanceInterval(Duration.ofMinutes(10)).build())
                     .build()) {
            List<Lease<String, String>> leases = List.of(client.lease(), client.lease(), client.lease());
            List<String> returned = new ArrayList<>();
            for (Lease<String, String> lease : leases) {
                returned.add(lease.exchange("which"));
            }
            leases.forEach(Lease::close);
            ((ClientCore<String, String>) client).flushReady(0);
            try (Lease<String, String> next = client.lease()) {
                return returned.indexOf(next.exchange("which"));
            }
        }
    }
}
