package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Peers that go away mid-exchange: a clean EOF reads as -1, a reset is a typed error. */
class PeerClosedTest {

    private final SocketConnector connector = SocketConnector.create();

    @Test
    void peerResetMidResponseIsConnectionClosedReset() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Endpoint endpoint = Endpoint.of("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
            try (Connection client = connector.connect(endpoint)) {
                try (SocketChannel peer = server.accept()) {
                    peer.write(ByteBuffer.wrap("partial respo".getBytes(StandardCharsets.US_ASCII)));
                    // Linger 0 turns close into an RST: the abortive close a crashed or killed peer produces.
                    peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
                ByteBuffer buf = ByteBuffer.allocate(1024);
                ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class, () -> {
                    while (true) {
                        if (client.read(buf, Deadline.after(Duration.ofSeconds(5))) < 0) {
                            throw new AssertionError("a reset must not read as a clean end of stream");
                        }
                    }
                });
                assertThat(e.reason()).isEqualTo(ConnectionClosedException.Reason.RESET);
                assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
                assertThat(e).hasMessageContaining(endpoint.toString());
                assertThat(client.isBroken()).isTrue();
            }
        }
    }

    @Test
    void peerFinReadsAsEndOfStreamAfterPendingBytes() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint())) {
            try (Connection peer = listener.accept()) {
                peer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            }
            ByteBuffer buf = ByteBuffer.allocate(16);
            int total = 0;
            int n;
            while ((n = client.read(buf, Deadline.after(Duration.ofSeconds(5)))) >= 0) {
                total += n;
            }
            assertThat(total).isEqualTo(3);
            assertThat(client.bytesRead()).isEqualTo(3);
        }
    }

    @Test
    void writingToResetPeerIsTypedAndBreaksTheConnection() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint())) {
            try (Connection peer = listener.accept()) {
                peer.close();
            }
            // The first write may still be accepted by the kernel; the peer's RST then fails a later one.
            ConnectionClosedException e = catchThrowableOfType(ConnectionClosedException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    client.write(ByteBuffer.wrap(new byte[1024]), Deadline.after(Duration.ofSeconds(5)));
                }
            });
            assertThat(e.reason()).isIn(ConnectionClosedException.Reason.BROKEN_PIPE, ConnectionClosedException.Reason.RESET);
            assertThat(client.isBroken()).isTrue();
            ConnectionClosedException again = catchThrowableOfType(ConnectionClosedException.class,
                    () -> client.write(ByteBuffer.allocate(1)));
            assertThat(again.reason()).isEqualTo(ConnectionClosedException.Reason.CLOSED_LOCALLY);
            assertThat(again.requestState()).isEqualTo(RequestState.NOT_SENT);
        }
    }
}
