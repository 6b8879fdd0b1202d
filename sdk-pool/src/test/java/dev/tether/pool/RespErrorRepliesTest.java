package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.codec.RespCodec;
import dev.tether.core.codec.RespErrorException;
import dev.tether.core.codec.RespValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RespCodec.withErrorRepliesAsExceptions(): a -ERR reply reaches the caller as a RespErrorException, is never
 * retried (even for an idempotent call), keeps its healthy connection, and is no breaker failure. Against a small
 * RESP server on a real socket (no Redis in unit tests), which speaks through Tether's own RespCodec.
 */
class RespErrorRepliesTest {
    private MiniRespServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MiniRespServer();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private TetherClient<RespValue, RespValue> client(boolean errorsAsExceptions) {
        return TetherClient.builder(errorsAsExceptions ? RespCodec.create().withErrorRepliesAsExceptions()
                : RespCodec.create()).endpoint("127.0.0.1:" + server.port()).build();
    }

    @Test
    void anErrorReplyIsThrownTypedNotRetriedAndTheConnectionIsKept() throws Exception {
        try (TetherClient<RespValue, RespValue> client = client(true)) {
            // Many in a row: enough to open the default breaker if they counted as failures.
            for (int i = 0; i < 30; i++) {
                assertThatThrownBy(() -> client.call(RespValue.command("BOGUS"), CallOptions.defaults().idempotent()))
                        .isInstanceOfSatisfying(RespErrorException.class, e -> {
                            assertThat(e.code()).isEqualTo("ERR");
                            assertThat(e.getMessage()).contains("unknown command 'BOGUS'");
                            assertThat(e.isRetryable()).isFalse();
                        });
            }
            assertThat(server.received("BOGUS")).as("never retried").isEqualTo(30);
            assertThat(client.call(RespValue.command("GET", "k")).asString()).isEqualTo("v");
            EndpointStats stats = client.stats().values().iterator().next();
            assertThat(stats.created()).as("the connection was kept").isEqualTo(1);
            assertThat(stats.destroyed()).isZero();
            assertThat(stats.retries()).isZero();
            assertThat(stats.breakerState()).isEqualTo(BreakerState.CLOSED);
        }
    }

    @Test
    void onALeaseTheErrorIsThrownAndTheLeaseStaysUsable() throws Exception {
        try (TetherClient<RespValue, RespValue> client = client(true)) {
            try (Lease<RespValue, RespValue> lease = client.lease()) {
                assertThatThrownBy(() -> lease.exchange(RespValue.command("WRONG")))
                        .isInstanceOfSatisfying(RespErrorException.class, e -> assertThat(e.code()).isEqualTo("WRONGTYPE"));
                assertThat(lease.exchange(RespValue.command("GET", "k")).asString()).isEqualTo("v");
            }
            EndpointStats stats = client.stats().values().iterator().next();
            assertThat(stats.idle()).as("back in the pool, not destroyed").isEqualTo(1);
            assertThat(stats.destroyed()).isZero();
        }
    }

    @Test
    void withoutTheOptionAnErrorReplyIsAValue() throws Exception {
        try (TetherClient<RespValue, RespValue> client = client(false)) {
            RespValue reply = client.call(RespValue.command("BOGUS"));
            assertThat(reply.isError()).isTrue();
            assertThat(RespCodec.create().errorReply(reply)).isEmpty();
            assertThat(RespCodec.create().withErrorRepliesAsExceptions().errorReply(RespValue.bulk("x"))).isEmpty();
        }
    }

    /** Answers GET with "v", WRONG with a WRONGTYPE error and anything else with ERR unknown command. */
    private static final class MiniRespServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        private final RespCodec codec = RespCodec.create();

        MiniRespServer() throws IOException {
            Thread t = new Thread(this::acceptLoop, "mini-resp");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int received(String command) {
            AtomicInteger n = received.get(command);
            return n == null ? 0 : n.get();
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread t = new Thread(() -> serve(s), "mini-resp-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                byte[] chunk = new byte[8192];
                int n;
                while ((n = in.read(chunk)) > 0) {
                    buf.put(chunk, 0, n);
                    buf.flip();
                    RespValue command;
                    while ((command = codec.decode(buf)) != null) {
                        String name = ((RespValue.Array) command).elements().get(0).asString();
                        received.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                        RespValue reply = switch (name) {
                            case "GET" -> RespValue.bulk("v");
                            case "PING" -> RespValue.simple("PONG");
                            case "WRONG" -> RespValue.error("WRONGTYPE Operation against a key holding the wrong kind of value");
                            default -> RespValue.error("ERR unknown command '" + name + "'");
                        };
                        ByteBuffer encoded = codec.encode(reply);
                        byte[] bytes = new byte[encoded.remaining()];
                        encoded.get(bytes);
                        out.write(bytes);
                    }
                    buf.compact();
                }
            } catch (IOException e) {
                // The client closed: nothing more to answer.
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
