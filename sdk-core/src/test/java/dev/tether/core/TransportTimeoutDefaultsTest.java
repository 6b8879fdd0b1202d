package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tether.core.testing.AcceptQueue;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The timeouts of {@link TransportOptions} are the limits that fire: a read or write given no deadline ends at
 * {@code readTimeout}/{@code writeTimeout}, and a connect given a far deadline ends at {@code connectTimeout}.
 * Each is set well below the 30s/10s defaults and well below the other limits in play, so a test passes only
 * when the option itself fired (the exception names the option's value).
 */
class TransportTimeoutDefaultsTest {

    @Test
    void aReadWithoutADeadlineEndsAtTheReadTimeout() throws Exception {
        SocketConnector connector = SocketConnector.of(TransportOptions.builder()
                .readTimeout(Duration.ofMillis(300)).build());
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint());
             Connection silent = listener.accept()) {
            long start = System.nanoTime();
            TimedOutException e = catchThrowableOfType(TimedOutException.class,
                    () -> client.read(ByteBuffer.allocate(64)));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.READ);
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(e).hasMessageContaining("read timed out after 300ms");
            // Far below the 30s default: the option, not a default, bounded the read (slack for a loaded machine).
            assertThat(elapsedMillis).isBetween(290L, 10_000L);
            assertThat(silent.isOpen()).isTrue();
        }
    }

    @Test
    void aWriteWithoutADeadlineEndsAtTheWriteTimeout() throws Exception {
        SocketConnector connector = SocketConnector.of(TransportOptions.builder()
                .writeTimeout(Duration.ofMillis(300)).sendBufferSize(16 * 1024).build());
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint());
             Connection neverReads = listener.accept()) {
            // Far more than both socket buffers hold, so the write blocks on the peer that never reads.
            ByteBuffer big = ByteBuffer.allocateDirect(32 * 1024 * 1024);
            long start = System.nanoTime();
            TimedOutException e = catchThrowableOfType(TimedOutException.class, () -> client.write(big));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.WRITE);
            assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(elapsedMillis).isBetween(290L, 10_000L);
            assertThat(big.position()).isLessThan(big.capacity());
            assertThat(neverReads.isOpen()).isTrue();
        }
    }

    @Test
    void aConnectWithAFarDeadlineEndsAtTheConnectTimeout() throws Exception {
        SocketConnector connector = SocketConnector.of(TransportOptions.builder()
                .connectTimeout(Duration.ofMillis(400)).build());
        try (ServerSocketChannel neverAccepts = ServerSocketChannel.open()) {
            neverAccepts.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            Endpoint endpoint = Endpoint.of("127.0.0.1", ((InetSocketAddress) neverAccepts.getLocalAddress()).getPort());
            List<Connection> queued = AcceptQueue.fill(endpoint);
            try {
                long start = System.nanoTime();
                TimedOutException e = catchThrowableOfType(TimedOutException.class,
                        () -> connector.connect(endpoint, Deadline.after(Duration.ofSeconds(60))));
                long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

                assertThat(e.phase()).isEqualTo(TimedOutException.Phase.CONNECT);
                assertThat(e.timeout()).isEqualTo(Duration.ofMillis(400));
                assertThat(e.requestState()).isEqualTo(RequestState.NOT_SENT);
                assertThat(elapsedMillis).isBetween(350L, 10_000L);

                // And without any deadline of the caller's, the same option bounds it.
                TimedOutException plain = catchThrowableOfType(TimedOutException.class, () -> connector.connect(endpoint));
                assertThat(plain.timeout()).isEqualTo(Duration.ofMillis(400));
            } finally {
                queued.forEach(Connection::close);
            }
        }
    }
}
