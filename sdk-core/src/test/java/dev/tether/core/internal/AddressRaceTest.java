package dev.tether.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Connection;
import dev.tether.core.ConnectFailedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TransportOptions;
import dev.tether.core.testing.AcceptQueue;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        // Twenty refusing addresses: waiting out the 250 ms attempt delay between them would take 4.75 s, far
        // beyond the bound below, which leaves a loaded machine seconds of slack (five of them left it 1 s).
        List<InetAddress> refusing = loopbackAddresses(2, 20);
        AddressRace race = new AddressRace(refusing, port, TransportOptions.defaults());
        long start = System.nanoTime();
        assertThat(race.connect(Deadline.after(Duration.ofSeconds(10)).nanoTime())).isNull();
        // Each refusal started the next at once.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(race.timedOut()).isFalse();
        assertThat(race.failures()).hasSize(20).allMatch(f -> f instanceof ConnectException);
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

    /**
     * A caller interrupted while attempts hang (for example a cancelled task) gets its answer at once, as the
     * single-address connect does, instead of the race spinning on a selector that the pending interrupt wakes
     * immediately, over and over, until the connect deadline, and then reporting a timeout.
     */
    @Test
    void anInterruptedCallerStopsRacingAtOnce() throws Exception {
        try (ServerSocketChannel blackHole = ServerSocketChannel.open()) {
            blackHole.bind(new InetSocketAddress(ip("127.0.0.2"), 0), 1);
            int port = ((InetSocketAddress) blackHole.getLocalAddress()).getPort();
            List<Connection> queued = AcceptQueue.fill(Endpoint.of("127.0.0.2", port));
            try {
                AddressRace race = new AddressRace(List.of(ip("127.0.0.2"), ip("127.0.0.2")), port,
                        TransportOptions.defaults());
                Thread.currentThread().interrupt();
                SocketChannel won;
                try {
                    won = race.connect(Deadline.after(Duration.ofSeconds(5)).nanoTime());
                } finally {
                    assertThat(Thread.interrupted()).as("the interrupt stays pending for the caller").isTrue();
                }
                assertThat(won).isNull();
                assertThat(race.timedOut()).as("interrupted, not timed out").isFalse();
                assertThat(race.failures()).last().isInstanceOf(InterruptedIOException.class);
            } finally {
                queued.forEach(Connection::close);
            }
        }
    }

    /**
     * A refusal starts the next attempt at once also while an earlier attempt still hangs: behind one black-holed
     * address, nine refusing ones must not cost nine attempt delays (2.25 s) before the working address is tried.
     */
    @Test
    void aRefusalStartsTheNextAttemptAtOnceWhileAnotherStillHangs() throws Exception {
        try (ServerSocketChannel good = ServerSocketChannel.open();
             ServerSocketChannel blackHole = ServerSocketChannel.open()) {
            good.bind(new InetSocketAddress(ip("127.0.0.1"), 0));
            int port = ((InetSocketAddress) good.getLocalAddress()).getPort();
            blackHole.bind(new InetSocketAddress(ip("127.0.0.2"), port), 1);
            List<Connection> queued = AcceptQueue.fill(Endpoint.of("127.0.0.2", port));
            try {
                List<InetAddress> addresses = new ArrayList<>();
                addresses.add(ip("127.0.0.2"));
                addresses.addAll(loopbackAddresses(3, 9));
                addresses.add(ip("127.0.0.1"));
                AddressRace race = new AddressRace(addresses, port, TransportOptions.defaults());
                // One attempt delay (250 ms) is due; waiting one per refusal would reach 127.0.0.1 only at 2500 ms.
                // The deadline sits well between the two, so a loaded machine has 1.75 s of slack.
                try (SocketChannel won = race.connect(Deadline.after(Duration.ofMillis(2000)).nanoTime())) {
                    assertThat(won).as("connected before the deadline; failures: %s", race.failures()).isNotNull();
                    assertThat(((InetSocketAddress) won.getRemoteAddress()).getAddress()).isEqualTo(ip("127.0.0.1"));
                }
                assertThat(race.failures()).hasSize(9).allMatch(f -> f instanceof ConnectException);
            } finally {
                queued.forEach(Connection::close);
            }
        }
    }

    /**
     * Where the JVM has no IPv6 ({@code -Djava.net.preferIPv4Stack=true}, or a kernel without it) an IPv6
     * address from the resolver is one failed attempt, and the IPv4 address behind it still connects. The JDK
     * refuses to even open an IPv6 channel there, with an unchecked exception, so this runs in a child JVM.
     */
    @Test
    void anIpv6AddressWithoutIpv6SupportFailsOnlyItsOwnAttempt() throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(javaCommand, "-Djava.net.preferIPv4Stack=true",
                "-cp", System.getProperty("java.class.path"), RaceWithoutIpv6.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("connected to /127.0.0.1").contains("1 failure(s)")
                .contains("single address: UNREACHABLE");
        assertThat(child.exitValue()).as(output).isZero();
    }

    /** Races {@code ::1} then {@code 127.0.0.1} to a listener on 127.0.0.1; run with IPv6 disabled. */
    static final class RaceWithoutIpv6 {
        public static void main(String[] args) throws Exception {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(ip("127.0.0.1"), 0));
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                AddressRace race = new AddressRace(List.of(ip("::1"), ip("127.0.0.1")), port,
                        TransportOptions.defaults());
                try (SocketChannel won = race.connect(Deadline.after(Duration.ofSeconds(10)).nanoTime())) {
                    System.out.println("connected to " + (won == null ? null : won.getRemoteAddress()) + ", "
                            + race.failures().size() + " failure(s): " + race.failures());
                }
                // A host with only the IPv6 address takes the single-address path, which must fail typed too.
                SocketConnector v6Only = SocketConnector.of(TransportOptions.defaults(), host -> List.of(InetAddress.getByName("::1")));
                try (Connection c = v6Only.connect(Endpoint.of("v6only.test", port))) {
                    System.out.println("single address: connected?! " + c);
                } catch (ConnectFailedException e) {
                    System.out.println("single address: " + e.reason());
                }
            }
        }
    }

    /** {@code count} consecutive loopback addresses from {@code 127.0.0.<first>} (Linux routes all of 127/8 to lo). */
    private static List<InetAddress> loopbackAddresses(int first, int count) throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(ip("127.0.0." + (first + i)));
        }
        return addresses;
    }
}
