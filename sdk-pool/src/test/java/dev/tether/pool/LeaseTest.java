package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Endpoint;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A lease keeps one connection for several exchanges, gives it back on close, and is watched for leaks. */
class LeaseTest {

    @Test
    void aLeaseUsesOneConnectionForSeveralExchangesAndPipelines() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.endpoint()).isEqualTo(server.endpoint());
                assertThat(lease.exchange("echo 1")).isEqualTo("1");
                lease.send("echo 2", Duration.ofSeconds(1));
                lease.send("echo 3", Duration.ofSeconds(1));
                assertThat(lease.receive(Duration.ofSeconds(1))).isEqualTo("2");
                assertThat(lease.receive(Duration.ofSeconds(1))).isEqualTo("3");
                assertThat(client.stats().get(server.endpoint()).active()).isEqualTo(1);
            }
            assertThat(server.accepted()).isEqualTo(1);
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.active()).isZero();
            assertThat(s.idle()).isEqualTo(1);
            assertThat(client.call("echo again")).isEqualTo("again");
            assertThat(client.stats().get(server.endpoint()).reuses()).isEqualTo(1);
        }
    }

    @Test
    void aClosedLeaseRefusesUseAndClosingTwiceIsHarmless() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            Lease<String, String> lease = client.lease();
            lease.close();
            lease.close();
            assertThatThrownBy(() -> lease.exchange("echo late")).isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("the lease is closed");
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(1);
        }
    }

    @Test
    void aDiscardedOrFailedLeaseDestroysItsConnection() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("echo left in a state the next user must not inherit")).isNotEmpty();
                lease.discard();
            }
            server.nextFaults(FaultyServer.Fault.DROP);
            try (Lease<String, String> lease = client.lease()) {
                assertThatThrownBy(() -> lease.exchange("echo dropped")).isInstanceOf(ConnectionClosedException.class);
            }
            assertThat(Clients.destroyed(client, DestroyReason.BROKEN)).isEqualTo(2);
            assertThat(client.stats().get(server.endpoint()).idle()).isZero();
        }
    }

    @Test
    void aLeaseHeldTooLongIsReportedWithTheStackThatTookIt() throws Exception {
        ManualTime time = new ManualTime();
        Duration threshold = Duration.ofSeconds(30);
        List<Throwable> reports = new CopyOnWriteArrayList<>();
        List<Duration> heldFor = new CopyOnWriteArrayList<>();
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = ManualClients.forServer(time, server)
                     .pool(PoolSettings.builder().leakDetectionThreshold(threshold).build())
                     .listener(new TetherClientListener() {
                         @Override
                         public void leakSuspected(Endpoint endpoint, Duration held, Throwable acquiredAt) {
                             heldFor.add(held);
                             reports.add(acquiredAt);
                         }
                     }).build()) {
            try (Lease<String, String> quick = client.lease()) {
                quick.exchange("echo quick");
                time.advance(threshold.minusMillis(1));
            }
            Lease<String, String> slow = client.lease();
            time.advance(threshold.minusMillis(1));
            assertThat(reports).as("neither lease has been held for the threshold yet").isEmpty();
            time.advance(Duration.ofMillis(1)); // the warning runs on this thread, at exactly the threshold
            assertThat(reports).hasSize(1);
            assertThat(heldFor).containsExactly(threshold);
            time.advance(threshold.multipliedBy(3));
            assertThat(reports).as("reported once, and the quick lease never").hasSize(1);
            slow.close();
            assertThat(reports.get(0).getStackTrace())
                    .anyMatch(frame -> frame.getMethodName().equals("aLeaseHeldTooLongIsReportedWithTheStackThatTookIt"));
        }
    }
}
