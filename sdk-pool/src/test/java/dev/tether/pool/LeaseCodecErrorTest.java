package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.FrameDecoder;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A codec failing with an Error (an assertion, a class missing at run time) in the middle of a lease's exchange
 * leaves its connection in an unknown state, like an unchecked exception does: closing the lease destroys it.
 * The lease only noted unchecked exceptions, so the connection went back to the pool with the decoder's half-done
 * state, and the next caller's response came back glued to the failed one's.
 */
class LeaseCodecErrorTest {

    /** A streaming line decoder that keeps partial lines between reads and fails on the line "boom". */
    private static final class AccumulatingDecoder implements FrameDecoder<String> {
        private final StringBuilder line = new StringBuilder();

        @Override
        public String decode(ByteBuffer in) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    String done = line.toString();
                    if (done.endsWith("boom")) {
                        throw new AssertionError("decoder failed on its input (injected)");
                    }
                    line.setLength(0);
                    return done;
                }
                line.append((char) b);
            }
            return null;
        }
    }

    private static final Codec<String, String> CODEC = new Codec<>() {
        @Override
        public ByteBuffer encode(String request) throws ProtocolViolationException {
            return Clients.CODEC.encode(request);
        }

        @Override
        public String decode(ByteBuffer in) {
            throw new UnsupportedOperationException("only the streaming decoder is used");
        }

        @Override
        public int maxFrameSize() {
            return 1024;
        }

        @Override
        public FrameDecoder<String> newDecoder() {
            return new AccumulatingDecoder();
        }
    };

    @Test
    void aLeaseWhoseCodecFailedWithAnErrorDestroysItsConnection() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     // One attempt per call: the connection count below must show the destroyed connection, not
                     // connections a retry would add.
                     .retry(RetrySettings.none())
                     .pool(PoolSettings.builder().maxTotal(1).maxPerEndpoint(1).acquireTimeout(Duration.ofSeconds(2))
                             .maintenanceInterval(Duration.ofMinutes(5)).build())
                     .build()) {
            assertThat(client.call("echo 1")).isEqualTo("1");
            try (Lease<String, String> lease = client.lease()) {
                assertThatThrownBy(() -> lease.exchange("echo boom")).isInstanceOf(AssertionError.class);
            }
            assertThat(client.call("echo 2")).isEqualTo("2");

            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(2);
            assertThat(s.destroyed(DestroyReason.BROKEN)).isEqualTo(1);
            assertThat(Clients.accountingBalances(s)).isTrue();
        }
    }
}
