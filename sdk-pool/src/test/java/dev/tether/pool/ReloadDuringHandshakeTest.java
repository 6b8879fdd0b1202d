package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.core.testing.EchoServer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Security material reloaded while a connection is being made for a caller: the new connection carries the
 * old generation the moment it is ready. It is sound (the old material is still valid), so the caller it was
 * made for must get it; it is retired on its next borrow. A connector whose generation moves on during
 * {@code connect} stands in for a TLS reload landing mid-handshake (the container suite runs the real race,
 * {@code ClientCertificateRotationIT}), because the timing of a real reload cannot be forced on loopback.
 */
class ReloadDuringHandshakeTest {

    @Test
    void aConnectionMadeForACallerIsUsedEvenIfMaterialChangedDuringItsHandshake() throws Exception {
        Connector plain = SocketConnector.create();
        AtomicBoolean reloaded = new AtomicBoolean();
        Connector reloadsDuringConnect = new Connector() {
            @Override
            public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
                Connection made = plain.connect(endpoint, deadline);
                reloaded.set(true);
                return made;
            }

            @Override
            public long generation() {
                return reloaded.get() ? 1 : 0;
            }
        };
        try (EchoServer server = EchoServer.start();
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                     .endpoint(server.endpoint())
                     .connector(reloadsDuringConnect)
                     .build()) {

            assertThat(client.call("first")).isEqualTo("first");
            assertThat(client.call("second")).isEqualTo("second");

            EndpointStats stats = client.stats().get(server.endpoint());
            assertThat(stats.destroyed(DestroyReason.TLS_ROTATION))
                    .as("the connection made with the older generation is retired once it has served its caller")
                    .isGreaterThanOrEqualTo(1);
            assertThat(stats.destroyed(DestroyReason.BROKEN)).isZero();
        }
    }
}
