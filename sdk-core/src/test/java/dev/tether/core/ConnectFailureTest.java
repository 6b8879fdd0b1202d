package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.testing.AcceptQueue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connect failures over real loopback sockets: each is typed, says nothing was sent, and ends in time. */
class ConnectFailureTest {

    private final SocketConnector connector = SocketConnector.of(TransportOptions.builder()
            .connectTimeout(Duration.ofSeconds(5)).build());

    @Test
    void refusedPortIsConnectFailedRefused() throws Exception {
        int port = freePortNobodyListensOn();
        Endpoint endpoint = Endpoint.of("127.0.0.1", port);

        ConnectFailedException e = catchThrowableOfType(ConnectFailedException.class,
                () -> connector.connect(endpoint));

        assertThat(e.reason()).isEqualTo(ConnectFailedException.Reason.REFUSED);
        assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.endpoint()).isEqualTo(endpoint);
        assertThat(e).hasMessageContaining("refused").hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void unknownHostIsConnectFailedUnknownHost() {
        Endpoint endpoint = Endpoint.of("no-such-host.invalid", 443);

        ConnectFailedException e = catchThrowableOfType(ConnectFailedException.class,
                () -> connector.connect(endpoint));

        assertThat(e.reason()).isEqualTo(ConnectFailedException.Reason.UNKNOWN_HOST);
        assertThat(e.requestNotSent()).isTrue();
        assertThat(e).hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void triesEveryResolvedAddressWithinOneDeadline() throws Exception {
        try (ServerListener listener = ServerListener.bind("127.0.0.1", 0, 0, TransportOptions.defaults())) {
            int port = listener.endpoint().port();
            // 127.0.0.2 is loopback too, but nothing listens there on this port: the first address is refused.
            HostResolver twoAddresses = host -> List.of(InetAddress.getByName("127.0.0.2"),
                    InetAddress.getByName("127.0.0.1"));
            SocketConnector multi = SocketConnector.of(TransportOptions.defaults(), twoAddresses);

            try (Connection c = multi.connect(Endpoint.of("service.test", port))) {
                assertThat(((InetSocketAddress) c.remoteAddress()).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                assertThat(c.endpoint().host()).isEqualTo("service.test");
            }
        }
    }

    @Test
    void everyAddressFailingReportsAllOfThem() throws Exception {
        int port = freePortNobodyListensOn();
        HostResolver twoAddresses = host -> List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
        SocketConnector multi = SocketConnector.of(TransportOptions.defaults(), twoAddresses);

        ConnectFailedException e = catchThrowableOfType(ConnectFailedException.class,
                () -> multi.connect(Endpoint.of("service.test", port)));

        assertThat(e.reason()).isEqualTo(ConnectFailedException.Reason.REFUSED);
        assertThat(e).hasMessageContaining("all 2 addresses failed");
        assertThat(e.getSuppressed()).hasSize(1);
    }

    /**
     * Happy Eyeballs: the first address swallows SYNs (a listener whose accept queue is full, the loopback
     * stand-in for a black-holed route), so the next address is tried 250 ms later instead of after the first
     * attempt's share of the 10 s connect timeout.
     */
    @Test
    void aBlackHoledFirstAddressDoesNotHoldUpTheNext() throws Exception {
        try (ServerListener listener = ServerListener.bind("127.0.0.1", 0, 0, TransportOptions.defaults());
             ServerSocketChannel blackHole = ServerSocketChannel.open()) {
            int port = listener.endpoint().port();
            blackHole.bind(new InetSocketAddress("127.0.0.2", port), 1);
            Endpoint blackHoled = Endpoint.of("127.0.0.2", port);
            List<Connection> queued = AcceptQueue.fill(blackHoled);
            try {
                HostResolver blackHoleFirst = host -> List.of(InetAddress.getByName("127.0.0.2"),
                        InetAddress.getByName("127.0.0.1"));
                SocketConnector racing = SocketConnector.of(TransportOptions.builder()
                        .connectTimeout(Duration.ofSeconds(10)).build(), blackHoleFirst);

                long start = System.nanoTime();
                try (Connection c = racing.connect(Endpoint.of("service.test", port))) {
                    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
                    assertThat(((InetSocketAddress) c.remoteAddress()).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                    // Attempts in turn would have given the first address half the timeout (5 s) before moving on.
                    assertThat(elapsedMillis).isBetween(240L, 4_000L);
                    // The winner is a normal blocking connection.
                    c.write(java.nio.ByteBuffer.wrap(new byte[] {1}), Deadline.after(Duration.ofSeconds(5)));
                }
            } finally {
                queued.forEach(Connection::close);
            }
        }
    }

    @Test
    void listenerWithFullBacklogTimesOutTheConnect() throws Exception {
        try (ServerSocketChannel neverAccepts = ServerSocketChannel.open()) {
            neverAccepts.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            Endpoint endpoint = Endpoint.of("127.0.0.1", ((InetSocketAddress) neverAccepts.getLocalAddress()).getPort());
            // Once the accept queue is full the kernel drops further SYNs and connects hang.
            List<Connection> queued = AcceptQueue.fill(endpoint);
            try {

                long start = System.nanoTime();
                TimedOutException e = catchThrowableOfType(TimedOutException.class,
                        () -> connector.connect(endpoint, Deadline.after(Duration.ofMillis(400))));
                long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

                assertThat(e.phase()).isEqualTo(TimedOutException.Phase.CONNECT);
                assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
                assertThat(e.timeout()).isEqualTo(Duration.ofMillis(400));
                assertThat(e).hasMessageContaining("connect timed out after 400ms").hasMessageContaining(endpoint.toString());
                assertThat(elapsedMillis).isBetween(350L, 5_000L);
            } finally {
                queued.forEach(Connection::close);
            }
        }
    }

    @Test
    void expiredDeadlineFailsWithoutConnecting() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            Deadline deadline = Deadline.after(Duration.ofNanos(1));
            assertThatThrownBy(() -> connector.connect(listener.endpoint(), deadline))
                    .isInstanceOfSatisfying(TimedOutException.class,
                            e -> assertThat(e.phase()).isEqualTo(TimedOutException.Phase.CONNECT));
        }
    }

    static int freePortNobodyListensOn() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }
}
