package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.testing.NumberedConnectionServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PoolSettings#lifo()}: true (the default) reuses the most recently returned connection first, false
 * the least recently returned. The server numbers its connections, so each request says which one carried it.
 */
class ReuseOrderTest {
    private static final LineCodec CODEC = LineCodec.create();

    @Test
    void byDefaultTheMostRecentlyReturnedConnectionIsReusedFirst() throws Exception {
        try (NumberedConnectionServer server = NumberedConnectionServer.start();
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint()).build()) {
            List<String> returned = openThreeAndReturnInOrder(client);
            String next = which(client);
            assertThat(next).isEqualTo(returned.get(2));
            // Returned again, it is again the most recent one.
            assertThat(which(client)).isEqualTo(next);
            assertThat(server.accepted()).isEqualTo(3);
        }
    }

    @Test
    void lifoFalseReusesTheLeastRecentlyReturnedConnectionFirst() throws Exception {
        try (NumberedConnectionServer server = NumberedConnectionServer.start();
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     .pool(PoolSettings.builder().lifo(false).build()).build()) {
            List<String> returned = openThreeAndReturnInOrder(client);
            assertThat(which(client)).isEqualTo(returned.get(0));
            // The first one went to the back of the line; the second returned is now the oldest.
            assertThat(which(client)).isEqualTo(returned.get(1));
            assertThat(which(client)).isEqualTo(returned.get(2));
            assertThat(server.accepted()).isEqualTo(3);
        }
    }

    /** Opens three connections at once, then returns them one after another; the numbers in return order. */
    private static List<String> openThreeAndReturnInOrder(TetherClient<String, String> client) throws Exception {
        List<Lease<String, String>> leases = List.of(client.lease(), client.lease(), client.lease());
        List<String> numbers = new ArrayList<>();
        for (Lease<String, String> lease : leases) {
            numbers.add(lease.exchange("which"));
        }
        assertThat(numbers).doesNotHaveDuplicates();
        for (Lease<String, String> lease : leases) {
            lease.close();
        }
        return numbers;
    }

    private static String which(TetherClient<String, String> client) throws Exception {
        try (Lease<String, String> lease = client.lease()) {
            return lease.exchange("which");
        }
    }
}
