package dev.tether.bench.tls;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;

/**
 * A deliberately minimal {@link Connection}: a blocking {@link SocketChannel} with no timeouts, no deadline
 * enforcement and no watchdog. Benchmark-only: it isolates the cost of Tether's TLS layer from the cost of the
 * production transport ({@code SocketConnector}), which enforces deadlines on every read and write.
 */
final class BareChannelConnection implements Connection {
    private final SocketChannel channel;
    private final Endpoint endpoint;
    private final long created = System.nanoTime();

    BareChannelConnection(Endpoint endpoint) throws IOException {
        this.endpoint = endpoint;
        this.channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", endpoint.port()));
        channel.socket().setTcpNoDelay(true);
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public SocketAddress localAddress() {
        return channel.socket().getLocalSocketAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.socket().getRemoteSocketAddress();
    }

    @Override
    public Instant createdAt() {
        return Instant.now();
    }

    @Override
    public long createdAtNanos() {
        return created;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    public long bytesWritten() {
        return 0;
    }

    @Override
    public int read(ByteBuffer dst, Deadline deadline) throws TetherException {
        return read(dst);
    }

    @Override
    public int read(ByteBuffer dst) throws TetherException {
        try {
            return channel.read(dst);
        } catch (IOException e) {
            throw closed(e);
        }
    }

    @Override
    public int readAvailable(ByteBuffer dst) throws TetherException {
        throw new UnsupportedOperationException("benchmark connection");
    }

    @Override
    public void write(ByteBuffer src, Deadline deadline) throws TetherException {
        write(src);
    }

    @Override
    public void write(ByteBuffer src) throws TetherException {
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        } catch (IOException e) {
            throw closed(e);
        }
    }

    private ConnectionClosedException closed(IOException e) {
        return new ConnectionClosedException(ConnectionClosedException.Reason.RESET, endpoint,
                RequestState.MAY_HAVE_BEEN_SENT, e.getMessage(), e);
    }

    @Override
    public void shutdownOutput() throws TetherException {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw closed(e);
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public boolean isBroken() {
        return false;
    }

    @Override
    public void markBroken(Throwable reason) {
        // Nothing to record in a benchmark connection.
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Benchmark teardown; the descriptor is released anyway.
        }
    }
}
