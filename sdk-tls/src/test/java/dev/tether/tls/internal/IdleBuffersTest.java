package dev.tether.tls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle connection holds no I/O buffer after reads (including ones that stage plaintext because the caller's
 * buffer is small) and writes; plaintext staging buffers are zeroed before they go back to the shared pool.
 */
class IdleBuffersTest {
    @TempDir
    Path dir;

    @Test
    void buffersAreGivenBackWhenIdle() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             TlsConnection c = new TlsConnector(SocketConnector.create(), certs.clientConfig().build())
                     .connect(Endpoint.of("localhost", server.endpoint().port()), Deadline.after(Duration.ofSeconds(10)))) {
            EngineConnection engine = (EngineConnection) c;
            assertThat(engine.heldBufferBytes()).as("after the handshake").isZero();
            byte[] payload = new byte[40_000];
            c.write(ByteBuffer.wrap(payload), Deadline.after(Duration.ofSeconds(5)));
            assertThat(engine.heldBufferBytes()).as("after a write").isZero();
            ByteBuffer small = ByteBuffer.allocate(100);
            int read = 0;
            boolean staged = false;
            while (read < payload.length) {
                small.clear();
                read += c.read(small, Deadline.after(Duration.ofSeconds(5)));
                staged |= engine.heldBufferBytes() > 0;
            }
            assertThat(staged).as("records larger than the caller's buffer were staged").isTrue();
            assertThat(engine.heldBufferBytes()).as("after reading everything").isZero();
        }
    }

    @Test
    void plaintextIsZeroedBeforeTheBufferReturnsToThePool() throws Exception {
        BufferPool pool = new BufferPool(64, 1);
        BufferHolder holder = new BufferHolder("plaintext-in", pool, true, 1024);
        ByteBuffer b = holder.prepare();
        b.put("secret payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        holder.markWritten();
        ByteBuffer dst = ByteBuffer.allocate(64);
        holder.transferTo(dst);
        holder.releaseIfEmpty();
        ByteBuffer returned = pool.take(64);
        assertThat(returned).isSameAs(b);
        assertThat(returned.array()).containsOnly(0);
    }

    @Test
    void directPlaintextBuffersAreZeroedToo() throws Exception {
        BufferPool pool = new BufferPool(64, 1, true);
        BufferHolder holder = new BufferHolder("plaintext-in", pool, true, 1024);
        ByteBuffer b = holder.prepare();
        assertThat(b.isDirect()).isTrue();
        b.put("secret payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        holder.markWritten();
        holder.transferTo(ByteBuffer.allocate(64));
        holder.releaseIfEmpty();
        ByteBuffer returned = pool.take(64);
        assertThat(returned).isSameAs(b);
        byte[] content = new byte[64];
        returned.duplicate().get(content);
        assertThat(content).containsOnly(0);
    }

    @Test
    void poolsKeepOnlyTheirKindOfBuffer() {
        BufferPool direct = new BufferPool(64, 2, true);
        direct.give(ByteBuffer.allocate(64));
        assertThat(direct.pooled()).isZero();
        direct.give(ByteBuffer.allocateDirect(64));
        assertThat(direct.pooled()).isOne();
        assertThat(direct.take(64).isDirect()).isTrue();
        assertThat(direct.take(64).isDirect()).as("a new one when the pool is empty").isTrue();
        BufferPool heap = new BufferPool(64, 2);
        heap.give(ByteBuffer.allocateDirect(64));
        assertThat(heap.pooled()).isZero();
    }

    @Test
    void enlargingStopsAtTheHardCap() throws Exception {
        BufferHolder holder = new BufferHolder("network-in", new BufferPool(64, 1), false, 256);
        holder.prepare();
        holder.enlarge(100, null);
        holder.enlarge(100, null);
        assertThat(holder.capacity()).isEqualTo(256);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> holder.enlarge(512, null))
                .isInstanceOf(dev.tether.core.ProtocolViolationException.class)
                .hasMessageContaining("beyond 256 bytes");
    }
}
