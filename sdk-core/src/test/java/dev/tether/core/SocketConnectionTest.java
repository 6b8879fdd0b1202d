package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain connection's own facts and behaviour over real TCP and Unix-domain sockets. */
class SocketConnectionTest {

    @Test
    void tcpRoundTripCountsBytesAndKnowsItsAddresses() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = SocketConnector.create().connect(listener.endpoint());
             Connection server = listener.accept()) {
            roundTrip(client, server);
            assertThat(client.endpoint()).isEqualTo(listener.endpoint());
            assertThat(((InetSocketAddress) client.remoteAddress()).getPort()).isEqualTo(listener.endpoint().port());
            assertThat(client.localAddress()).isEqualTo(server.remoteAddress());
            assertThat(client.createdAtNanos()).isLessThanOrEqualTo(System.nanoTime());
            assertThat(client.createdAt()).isNotNull();
        }
    }

    @Test
    void unixDomainRoundTrip(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("tether.sock");
        try (ServerListener listener = ServerListener.bindUnix(path, 0, TransportOptions.defaults());
             Connection client = SocketConnector.create().connect(Endpoint.parse("unix:" + path));
             Connection server = listener.accept()) {
            roundTrip(client, server);
            assertThat(client.endpoint().isUnix()).isTrue();
        }
    }

    @Test
    void halfCloseDeliversEndOfStreamButKeepsReading() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = SocketConnector.create().connect(listener.endpoint());
             Connection server = listener.accept()) {
            client.write(ByteBuffer.wrap("last words".getBytes(StandardCharsets.UTF_8)));
            client.shutdownOutput();

            ByteBuffer got = ByteBuffer.allocate(64);
            while (server.read(got, Deadline.after(Duration.ofSeconds(5))) >= 0) {
                // drain until the client's end of stream
            }
            assertThat(new String(got.array(), 0, got.position(), StandardCharsets.UTF_8)).isEqualTo("last words");

            server.write(ByteBuffer.wrap("reply".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer reply = ByteBuffer.allocate(5);
            while (reply.hasRemaining()) {
                client.read(reply, Deadline.after(Duration.ofSeconds(5)));
            }
            assertThat(new String(reply.array(), StandardCharsets.UTF_8)).isEqualTo("reply");
        }
    }

    @Test
    void readAvailableSeesNothingThenDataThenEndOfStream() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = SocketConnector.create().connect(listener.endpoint())) {
            Connection server = listener.accept();
            ByteBuffer buf = ByteBuffer.allocate(16);
            assertThat(client.readAvailable(buf)).isZero();

            server.write(ByteBuffer.wrap(new byte[] {42}));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> client.readAvailable(buf) == 1);
            assertThat(buf.get(0)).isEqualTo((byte) 42);

            server.close();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> client.readAvailable(buf) == -1);
            // Still usable in blocking mode afterwards: the EOF is reported again by a timed read.
            assertThat(client.read(buf, Deadline.after(Duration.ofSeconds(1)))).isEqualTo(-1);
        }
    }

    @Test
    void appliesSocketOptions() throws Exception {
        TransportOptions options = TransportOptions.builder().tcpNoDelay(true).keepAlive(true)
                .keepAliveIdle(Duration.ofSeconds(42)).keepAliveInterval(Duration.ofSeconds(7)).keepAliveCount(3)
                .receiveBufferSize(128 * 1024).build();
        try (ServerListener listener = ServerListener.loopback();
             Connection client = SocketConnector.of(options).connect(listener.endpoint())) {
            SocketChannel channel = channelOf(client);
            assertThat(channel.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
            assertThat(channel.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
            assertThat(channel.getOption(StandardSocketOptions.SO_RCVBUF)).isGreaterThanOrEqualTo(128 * 1024);
            if (channel.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                assertThat(channel.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(42);
                assertThat(channel.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(7);
                assertThat(channel.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);
            }
        }
    }

    @Test
    void closeIsIdempotentAndLaterUseIsTyped() throws Exception {
        try (ServerListener listener = ServerListener.loopback()) {
            Connection client = SocketConnector.create().connect(listener.endpoint());
            client.close();
            client.close();
            assertThat(client.isOpen()).isFalse();
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class,
                    () -> client.read(ByteBuffer.allocate(1)));
            assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.CLOSED_LOCALLY);
        }
    }

    @Test
    void readerAndWriterWorkAtTheSameTime() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = SocketConnector.create().connect(listener.endpoint());
             Connection server = listener.accept()) {
            int size = 8 * 1024 * 1024;
            // Two dedicated threads: the common pool may have a single worker on a small machine.
            ExecutorService threads = Executors.newFixedThreadPool(2);
            CompletableFuture<Long> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    long total = 0;
                    while (total < size) {
                        buf.clear();
                        int n = server.read(buf, Deadline.after(Duration.ofSeconds(10)));
                        if (n < 0) {
                            break;
                        }
                        buf.flip();
                        server.write(buf, Deadline.after(Duration.ofSeconds(10)));
                        total += n;
                    }
                    return total;
                } catch (TetherException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    long total = 0;
                    while (total < size) {
                        buf.clear();
                        total += client.read(buf, Deadline.after(Duration.ofSeconds(10)));
                    }
                    return total;
                } catch (TetherException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            client.write(ByteBuffer.allocate(size), Deadline.after(Duration.ofSeconds(10)));
            assertThat(received.get(20, TimeUnit.SECONDS)).isEqualTo(size);
            assertThat(echoed.get(20, TimeUnit.SECONDS)).isEqualTo(size);
            threads.shutdown();
        }
    }

    private static void roundTrip(Connection client, Connection server) throws TetherException {
        byte[] request = "hello over a real socket".getBytes(StandardCharsets.UTF_8);
        client.write(ByteBuffer.wrap(request), Deadline.after(Duration.ofSeconds(5)));
        ByteBuffer got = ByteBuffer.allocate(request.length);
        while (got.hasRemaining()) {
            server.read(got, Deadline.after(Duration.ofSeconds(5)));
        }
        assertThat(got.array()).isEqualTo(request);
        server.write(ByteBuffer.wrap(got.array()), Deadline.after(Duration.ofSeconds(5)));
        ByteBuffer back = ByteBuffer.allocate(request.length);
        while (back.hasRemaining()) {
            client.read(back, Deadline.after(Duration.ofSeconds(5)));
        }
        assertThat(back.array()).isEqualTo(request);
        assertThat(client.bytesWritten()).isEqualTo(request.length);
        assertThat(client.bytesRead()).isEqualTo(request.length);
        assertThat(server.bytesRead()).isEqualTo(request.length);
    }

    private static SocketChannel channelOf(Connection c) throws Exception {
        java.lang.reflect.Field f = c.getClass().getDeclaredField("channel");
        f.setAccessible(true);
        return (SocketChannel) f.get(c);
    }
}
