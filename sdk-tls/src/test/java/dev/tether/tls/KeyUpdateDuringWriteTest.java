package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.core.TransportOptions;
import dev.tether.tls.testing.CertSet;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS 1.3 KeyUpdate that requests one back, arriving while another thread's write is blocked on a full
 * socket, must not stall the reader: the reader cannot send the answer then (the writer holds the write
 * side), and the writer's next wrap sends it anyway. A reader that waits for the writer stops draining the
 * socket, so a peer echoing the stream blocks, and with it the writer: each waits for the other until the
 * reader's deadline runs out.
 */
class KeyUpdateDuringWriteTest {
    private static final int PAYLOAD = 4 * 1024 * 1024;
    private static final int SOCKET_BUFFER = 64 * 1024;

    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    /**
     * A JDK TLS 1.3 echo server with small socket buffers. After its first read it calls {@code startHandshake()},
     * which on an established TLS 1.3 connection sends a KeyUpdate with update_requested.
     */
    private static CompletableFuture<Long> echoWithKeyUpdate(SSLServerSocket server, ExecutorService threads) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSendBufferSize(SOCKET_BUFFER);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[16 * 1024];
                long echoed = 0;
                boolean keyUpdateSent = false;
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (!keyUpdateSent) {
                        s.startHandshake();
                        keyUpdateSent = true;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    echoed += n;
                }
                return echoed;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void keyUpdateWhileTheWriterIsBlockedDoesNotStallAFullDuplexStream() throws Exception {
        TlsConfig serverConfig = certs.serverConfig().protocols("TLSv1.3").build();
        // Own threads for the echo server and the writer: both block, and on a 2-core machine the common pool
        // (JDK 25) has a single worker, so the writer would queue behind the server forever.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (SSLServerSocket server = (SSLServerSocket) serverConfig.material().context().getServerSocketFactory()
                .createServerSocket()) {
            server.setReceiveBufferSize(SOCKET_BUFFER);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Long> echo = echoWithKeyUpdate(server, threads);
            SocketConnector transport = SocketConnector.of(TransportOptions.builder()
                    .sendBufferSize(SOCKET_BUFFER).receiveBufferSize(SOCKET_BUFFER).build());
            try (TlsConnection c = new TlsConnector(transport, certs.clientConfig().build())
                    .connect(dev.tether.core.Endpoint.of("localhost", server.getLocalPort()),
                            Deadline.after(Duration.ofSeconds(10)))) {
                byte[] payload = new byte[PAYLOAD];
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) (i * 31 + (i >>> 13));
                }
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        c.write(ByteBuffer.wrap(payload), Deadline.after(Duration.ofSeconds(60)));
                        c.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, threads);
                ByteBuffer received = ByteBuffer.allocate(PAYLOAD);
                while (received.hasRemaining()) {
                    // A read that waits for the blocked writer waits out its whole deadline (then the stream goes on):
                    // far longer than the @Timeout, which the whole echo needs only a fraction of.
                    int n = c.read(received, Deadline.after(Duration.ofSeconds(60)));
                    assertThat(n).as("echo ended early after %s bytes", received.position()).isPositive();
                }
                writer.get(30, TimeUnit.SECONDS);
                assertThat(echo.get(30, TimeUnit.SECONDS)).isEqualTo(PAYLOAD);
                assertThat(Arrays.equals(received.array(), payload)).as("echoed bytes are the bytes sent").isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
