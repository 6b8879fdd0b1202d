package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.SocketConnector;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.pool.testing.ForwardingConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Giving back a broken connection never connects on the releasing thread. commons-pool2's invalidateObject
 * always reuses the freed capacity for a borrower waiting inside it (whatever setReuseCapacityOnReturn says),
 * which would make a caller whose call already ended open a connection for someone else, bounded only by the
 * connect timeout, not by any call's deadline.
 */
class ReleaseNeverConnectsTest {

    @Test
    void aCallerDiscardingItsLeaseDoesNotConnectForAWaitingCaller() throws Exception {
        ManualTime time = new ManualTime();
        Duration keepAlive = PoolSettings.defaults().keepAliveInterval();
        List<String> connectedOn = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> waiter = new AtomicReference<>();
        SocketConnector plain = SocketConnector.create();
        Connector recording = (endpoint, deadline) -> {
            connectedOn.add(Thread.currentThread().getName());
            Connection real = plain.connect(endpoint, deadline);
            return new ForwardingConnection(real) {
                @Override
                public void close() {
                    // Closed as the lease is invalidated, just before commons-pool2 looks for waiting borrowers:
                    // hold it until the waiting caller is parked on the clock, so the race is certain.
                    Thread w = waiter.getAndSet(null);
                    if (w != null) {
                        await().atMost(Duration.ofSeconds(10)).until(() -> time.parkedThreads() == 1);
                    }
                    super.close();
                }
            };
        };
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .connector(recording)
                     .pool(PoolSettings.builder().maxTotal(2).maxPerEndpoint(2).build())
                     .build()) {
            Lease<String, String> pinged = client.lease();
            Lease<String, String> broken = client.lease();
            assertThat(pinged.exchange("echo 1")).isEqualTo("1");
            assertThat(broken.exchange("echo 2")).isEqualTo("2");
            pinged.close();
            // The next line the server reads is the keep-alive ping on the idle connection; stalled, it hangs.
            server.stall(true);
            // Maintenance on its own thread, as the client's timer would run it: the run that finds the ping due
            // blocks in it (until the socket read times out after the default 5 s; the clock stands still).
            Thread maintenance = new Thread(() -> time.advance(keepAlive), "maintenance");
            maintenance.setDaemon(true);
            maintenance.start();
            // Network event: the ping reached the server.
            await().atMost(Duration.ofSeconds(10)).until(() -> server.linesReceived() >= 3);
            server.stall(false);

            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    outcome.set(client.call("echo 3"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            }, "waiting-caller");
            caller.start();
            // It waits, parked on the clock: both slots are taken, one by the connection under the ping.
            await().atMost(Duration.ofSeconds(10)).until(() -> time.parkedThreads() == 1);
            assertThat(client.stats().get(server.endpoint()).waiting()).isEqualTo(1);

            String releasing = Thread.currentThread().getName();
            int before = connectedOn.size();
            waiter.set(caller);
            broken.discard();
            broken.close();

            caller.join(10_000);
            assertThat(outcome.get()).isEqualTo("3");
            server.closeConnections(); // ends the hanging ping at once instead of after its socket timeout
            maintenance.join(10_000);
            assertThat(connectedOn.subList(before, connectedOn.size())).isNotEmpty().doesNotContain(releasing);
        }
    }
}
