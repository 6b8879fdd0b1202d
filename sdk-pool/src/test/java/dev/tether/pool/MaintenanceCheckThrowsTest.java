package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.ForwardingConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A maintenance check that throws (a transport fault inside the connection) costs only the connections it
 * was checking: each is destroyed as broken and its room freed, and the run goes on; none stays claimed by
 * maintenance holding its slot. */
class MaintenanceCheckThrowsTest {
    @Test
    void aThrowingCheckDestroysTheConnectionAndLosesNoRoom() throws Exception {
        ManualTime time = new ManualTime();
        AtomicBoolean faulty = new AtomicBoolean();
        SocketConnector plain = SocketConnector.create();
        Connector connector = (endpoint, deadline) -> new ForwardingConnection(plain.connect(endpoint, deadline)) {
            @Override
            public boolean isBroken() {
                if (faulty.get()) {
                    throw new IllegalStateException("injected");
                }
                return super.isBroken();
            }
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server).connector(connector).build()) {
            try (Lease<String, String> a = client.lease(); Lease<String, String> b = client.lease()) {
                a.exchange("echo a");
                b.exchange("echo b");
            }
            // Maintenance checks only connections idle at least validateAfterInactivity (one given back a moment
            // ago is the next acquire's reuse check's to look at).
            time.advance(PoolSettings.defaults().validateAfterInactivity());
            faulty.set(true);
            ManualClients.maintain(client);
            faulty.set(false);
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(Clients.accountingBalances(s)).as(s.toString()).isTrue();
            assertThat(s.destroyedByReason().get(DestroyReason.BROKEN)).isEqualTo(2);
            assertThat(s.active()).isZero();
            assertThat(s.idle()).isZero();
            // The room is free again: the next call connects anew.
            assertThat(client.call("echo c")).isEqualTo("c");
        }
    }
}
