package dev.tether.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.TransportOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The address order and the failure bookkeeping of {@link AddressRace}, on loopback addresses. */
class AddressRaceTest {

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    @Test
    void familiesAlternateStartingWithTheResolversFirstChoice() throws Exception {
        List<InetAddress> resolved = List.of(ip("::1"), ip("fe80::1"), ip("fe80::2"), ip("10.0.0.1"), ip("10.0.0.2"));
        assertThat(AddressRace.interleaveFamilies(resolved))
                .containsExactly(ip("::1"), ip("10.0.0.1"), ip("fe80::1"), ip("10.0.0.2"), ip("fe80::2"));

        List<InetAddress> v4First = List.of(ip("10.0.0.1"), ip("10.0.0.2"), ip("::1"));
        assertThat(AddressRace.interleaveFamilies(v4First)).containsExactly(ip("10.0.0.1"), ip("::1"), ip("10.0.0.2"));
    }

    @Test
    void refusedAttemptsStartTheNextAtOnceAndAreAllReported() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<InetAddress> fiveRefusing = List.of(ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.4"), ip("127.0.0.5"),
                ip("127.0.0.6"));
        AddressRace race = new AddressRace(fiveRefusing, port, TransportOptions.defaults());
        long start = System.nanoTime();
        assertThat(race.connect(Deadline.after(Duration.ofSeconds(10)).nanoTime())).isNull();
        // Waiting out the 250 ms attempt delay between them would take at least 1 s; each refusal started the next.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(race.timedOut()).isFalse();
        assertThat(race.failures()).hasSize(5).allMatch(f -> f instanceof ConnectException);
    }

    @Test
    void theWinnerIsConnectedAndBlocking() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(ip("127.0.0.1"), 0));
            AddressRace race = new AddressRace(List.of(ip("127.0.0.2"), ip("127.0.0.1")), server.getLocalPort(),
                    TransportOptions.defaults());
            try (SocketChannel won = race.connect(Deadline.after(Duration.ofSeconds(10)).nanoTime())) {
                assertThat(won).isNotNull();
                assertThat(won.isConnected()).isTrue();
                assertThat(won.isBlocking()).isTrue();
                assertThat(((InetSocketAddress) won.getRemoteAddress()).getAddress()).isEqualTo(ip("127.0.0.1"));
            }
            assertThat(race.failures()).hasSize(1);
        }
    }
}
