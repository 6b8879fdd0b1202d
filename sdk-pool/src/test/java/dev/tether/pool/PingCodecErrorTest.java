package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.KeepAlivePing;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A codec failing with an Error (an assertion, a class missing at run time) while encoding the keep-alive ping
 * fails that ping like an exception does: the connection is replaced and counted as KEEP_ALIVE_FAILED. The Error
 * used to escape to commons-pool2's eviction, which swallowed it without a trace and destroyed the connection
 * as an ordinary IDLE clean-up, so the metrics hid a failing keep-alive.
 */
class PingCodecErrorTest {

    @Test
    void anErrorEncodingThePingCountsAsAFailedKeepAlive() throws Exception {
        Codec<String, String> codec = new Codec<>() {
            @Override
            public ByteBuffer encode(String request) throws ProtocolViolationException {
                if (request.equals("PING")) {
                    throw new AssertionError("cannot encode the ping (injected)");
                }
                return Clients.CODEC.encode(request);
            }

            @Override
            public String decode(ByteBuffer in) throws ProtocolViolationException {
                return Clients.CODEC.decode(in);
            }

            @Override
            public int maxFrameSize() {
                return Clients.CODEC.maxFrameSize();
            }

            @Override
            public Optional<KeepAlivePing<String, String>> keepAlivePing() {
                return Clients.CODEC.keepAlivePing();
            }
        };
        ManualTime time = new ManualTime();
        Duration keepAlive = PoolSettings.defaults().keepAliveInterval();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(codec))
                     .endpoint(server.endpoint())
                     .build()) {
            assertThat(client.call("echo 1")).isEqualTo("1");
            time.advance(keepAlive.minus(PoolSettings.defaults().maintenanceInterval()));
            assertThat(client.stats().get(server.endpoint()).destroyed()).as("no ping due yet").isZero();
            time.advance(PoolSettings.defaults().maintenanceInterval()); // the ping is due, and its encoding fails
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.destroyed()).isEqualTo(1);
            assertThat(s.destroyed(DestroyReason.KEEP_ALIVE_FAILED)).isEqualTo(1);
            assertThat(s.destroyed(DestroyReason.IDLE)).isZero();
            assertThat(server.pings()).isZero();
        }
    }
}
