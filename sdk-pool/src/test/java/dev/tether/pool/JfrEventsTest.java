package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run under a JFR recording, written to a file and read back: every Tether event is there. */
class JfrEventsTest {
    private static final List<String> EVENTS = List.of("dev.tether.Connect", "dev.tether.TlsHandshake",
            "dev.tether.Acquire", "dev.tether.Call", "dev.tether.ConnectionDestroyed");

    @TempDir
    Path dir;

    @Test
    void aShortRunRecordsConnectHandshakeAcquireCallAndDestroyedEvents() throws Exception {
        CertSet certs = CertSet.create(dir);
        Path file = dir.resolve("tether.jfr");
        try (Recording recording = new Recording()) {
            EVENTS.forEach(name -> recording.enable(name).withThreshold(Duration.ZERO));
            recording.start();
            try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
                 TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                         .endpoint(server.endpoint()).name("jfr-tls").tls(certs.mutualClientConfig().build()).build()) {
                for (int i = 0; i < 5; i++) {
                    assertThat(client.call("hello " + i)).isEqualTo("hello " + i);
                }
            }
            try (FaultyServer plain = FaultyServer.start();
                 TetherClient<String, String> client = Clients.forServer(plain).name("jfr-fail").build()) {
                // A reply that never comes after the request was written: the failure a caller must see as
                // "may have been sent", and, not idempotent, it is not retried.
                plain.nextFaults(FaultyServer.Fault.DROP);
                assertThatThrownBy(() -> client.call("boom"))
                        .isInstanceOfSatisfying(TetherException.class,
                                e -> assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT));
            }
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> tls = events.stream().filter(e -> "jfr-tls".equals(e.getString("client")))
                .collect(Collectors.toList());
        assertThat(tls).extracting(e -> e.getEventType().getName()).containsAll(EVENTS);

        RecordedEvent handshake = only(tls, "dev.tether.TlsHandshake");
        assertThat(handshake.getString("protocol")).isEqualTo("TLSv1.3");
        assertThat(handshake.getString("cipherSuite")).startsWith("TLS_");
        assertThat(handshake.getBoolean("resumed")).isFalse();
        assertThat(handshake.getString("peerSubject")).isEqualTo("CN=localhost");
        assertThat(only(tls, "dev.tether.Connect").getBoolean("tls")).isTrue();

        List<RecordedEvent> acquires = named(tls, "dev.tether.Acquire");
        assertThat(acquires).hasSize(5);
        assertThat(acquires.stream().filter(e -> e.getBoolean("reused")).count()).isEqualTo(4);

        List<RecordedEvent> calls = named(tls, "dev.tether.Call");
        assertThat(calls).hasSize(5).allSatisfy(e -> {
            assertThat(e.getBoolean("succeeded")).isTrue();
            assertThat(e.getInt("attempts")).isEqualTo(1);
        });
        assertThat(only(tls, "dev.tether.ConnectionDestroyed").getString("reason"))
                .isEqualTo(DestroyReason.SHUTDOWN.name());

        List<RecordedEvent> failing = events.stream().filter(e -> "jfr-fail".equals(e.getString("client")))
                .collect(Collectors.toList());
        RecordedEvent failedCall = only(failing, "dev.tether.Call");
        assertThat(failedCall.getBoolean("succeeded")).isFalse();
        assertThat(failedCall.getInt("attempts")).isEqualTo(1);
        assertThat(failedCall.getString("requestState")).isEqualTo("MAY_HAVE_BEEN_SENT");
        assertThat(failedCall.getString("endpoint")).isNotEmpty();
        assertThat(named(failing, "dev.tether.ConnectionDestroyed")).extracting(e -> e.getString("reason"))
                .contains(DestroyReason.BROKEN.name());
        assertThat(named(failing, "dev.tether.TlsHandshake")).as("plain TCP has no handshake").isEmpty();
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).collect(Collectors.toList());
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> found = named(events, name);
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }
}
