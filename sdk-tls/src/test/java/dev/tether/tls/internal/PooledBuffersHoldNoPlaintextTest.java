package dev.tether.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.ServerListener;
import dev.tether.core.SocketConnector;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.testing.CertSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's SSLEngine decrypts records in place in the network-in buffer, so once a record has been read
 * that buffer holds the plaintext too. Buffers that go back to the shared pool (and from there to other
 * connections) must not carry it. On OpenSSL (this suite reruns there) the buffers are direct ones from
 * {@link BufferPool#SHARED_DIRECT}; both pools are checked.
 */
class PooledBuffersHoldNoPlaintextTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void decryptedBytesDoNotStayInPooledBuffers(String protocol) throws Exception {
        CertSet certs = CertSet.create(dir);
        byte[] secret = ("secret-" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<TlsConnection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return new TlsAcceptor(certs.serverConfig().protocols(protocol).build())
                            .accept(listener.accept(), Deadline.after(Duration.ofSeconds(10)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (TlsConnection client = new TlsConnector(SocketConnector.create(), certs.clientConfig().build())
                    .connect(listener.endpoint(), Deadline.after(Duration.ofSeconds(10)));
                 TlsConnection server = accepted.get()) {
                server.write(ByteBuffer.wrap(secret), Deadline.after(Duration.ofSeconds(5)));
                // Large enough that the plaintext is decrypted straight into it, never staged.
                ByteBuffer dst = ByteBuffer.allocate(64 * 1024);
                while (dst.position() < secret.length) {
                    assertThat(client.read(dst, Deadline.after(Duration.ofSeconds(5)))).isPositive();
                }
                assertThat(((EngineConnection) client).heldBufferBytes()).as("idle client holds no buffer").isZero();

                assertThat(pooledBuffersContaining(BufferPool.SHARED, secret)).isZero();
                assertThat(pooledBuffersContaining(BufferPool.SHARED_DIRECT, secret)).isZero();
            }
        }
    }

    /** Takes every pooled buffer, counts those holding {@code needle}, and gives them all back. */
    private static int pooledBuffersContaining(BufferPool pool, byte[] needle) {
        List<ByteBuffer> taken = new ArrayList<>();
        while (pool.pooled() > 0) {
            taken.add(pool.take(pool.bufferSize()));
        }
        int found = 0;
        for (ByteBuffer b : taken) {
            byte[] content = new byte[b.capacity()];
            b.duplicate().clear().get(content);
            if (indexOf(content, needle) >= 0) {
                found++;
            }
        }
        taken.forEach(pool::give);
        return found;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
