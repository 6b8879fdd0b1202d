package dev.tether.core.internal;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.core.TransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Connection} over a blocking {@link SocketChannel}, TCP or Unix-domain.
 *
 * <p>Reads and writes are plain blocking channel calls (one system call when data is there; on a virtual
 * thread the JDK parks instead of blocking the carrier), and {@link IoWatchdog} closes the channel if one
 * overruns its deadline. The JDK's own timed read (the socket adaptor with {@code SO_TIMEOUT}) was measured
 * about 13% slower on 64-byte TLS round trips: on JDK 17 it flips the socket to non-blocking and back and
 * polls on every read, five system calls where one will do.
 */
public final class SocketConnection implements Connection {
    private final SocketChannel channel;
    private final Endpoint endpoint;
    private final TransportOptions options;
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    private final Instant createdAt = Instant.now();
    private final long createdAtNanos = System.nanoTime();
    private final ChannelCloseGuard readGuard;
    private final ChannelCloseGuard writeGuard;
    /**
     * Held by a write for its whole duration and tried by {@link #readAvailable}: switching the channel to
     * non-blocking needs the JDK's write lock, so without this a liveness check would wait for a blocked write
     * (up to its deadline), and a write starting during the check would find a non-blocking channel.
     */
    private final ReentrantLock blockingMode = new ReentrantLock();
    /**
     * The socket adaptor's stream, used only for {@link InputStream#available()}: the kernel's count of received
     * bytes (FIONREAD), one system call with no switch of blocking mode. Null for Unix-domain channels, which
     * have no adaptor.
     */
    private final InputStream pendingCounter;

    private volatile long bytesRead;
    private volatile long bytesWritten;
    private volatile boolean closed;
    private volatile Throwable brokenBy;

    public SocketConnection(SocketChannel channel, Endpoint endpoint, TransportOptions options) throws IOException {
        this.channel = channel;
        this.endpoint = endpoint;
        this.options = options;
        this.localAddress = channel.getLocalAddress();
        this.remoteAddress = channel.getRemoteAddress();
        this.readGuard = new ChannelCloseGuard(channel);
        this.writeGuard = new ChannelCloseGuard(channel);
        this.pendingCounter = pendingCounter(channel);
    }

    private static InputStream pendingCounter(SocketChannel channel) {
        try {
            return channel.socket().getInputStream();
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public SocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public long createdAtNanos() {
        return createdAtNanos;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public int read(ByteBuffer dst) throws TetherException {
        return read(dst, Deadline.after(options.readTimeout()));
    }

    @Override
    public int read(ByteBuffer dst, Deadline deadline) throws TetherException {
        ensureReadable();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (deadline.isExpired()) {
            throw readTimeout(deadline, null);
        }
        int n;
        try {
            n = readGuarded(dst, deadline);
        } catch (IOException e) {
            if (readGuard.hasFired()) {
                throw readTimeout(deadline, e);
            }
            throw failure(e, RequestState.MAY_HAVE_BEEN_SENT, "reading");
        }
        if (n > 0) {
            bytesRead += n;
        }
        if (readGuard.hasFired()) {
            // The deadline closed the channel just as the read completed: the bytes are good, the connection is not.
            markBroken(new TimedOutException(TimedOutException.Phase.READ, endpoint, deadline.budget(),
                    RequestState.MAY_HAVE_BEEN_SENT, null));
        }
        return n;
    }

    private int readGuarded(ByteBuffer dst, Deadline deadline) throws IOException {
        IoWatchdog watchdog = IoWatchdog.instance();
        watchdog.begin(readGuard, deadline.systemNanoTime());
        try {
            return channel.read(dst);
        } finally {
            watchdog.end(readGuard);
        }
    }

    @Override
    public int readAvailable(ByteBuffer dst) throws TetherException {
        ensureUsable(RequestState.NOT_SENT);
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (!blockingMode.tryLock()) {
            // A write is in progress: nothing can be learned without waiting for it, so report nothing yet.
            return 0;
        }
        try {
            channel.configureBlocking(false);
            try {
                int n = channel.read(dst);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException e) {
            throw failure(e, RequestState.NOT_SENT, "checking for data");
        } finally {
            blockingMode.unlock();
        }
    }

    @Override
    public int available() throws TetherException {
        ensureUsable(RequestState.NOT_SENT);
        if (pendingCounter == null) {
            return -1;
        }
        try {
            return pendingCounter.available();
        } catch (IOException e) {
            throw failure(e, RequestState.NOT_SENT, "checking for data");
        }
    }

    @Override
    public void write(ByteBuffer src) throws TetherException {
        write(src, Deadline.after(options.writeTimeout()));
    }

    @Override
    public void write(ByteBuffer src, Deadline deadline) throws TetherException {
        ensureUsable(RequestState.NOT_SENT);
        int start = src.position();
        if (deadline.isExpired()) {
            throw writeTimeout(deadline, RequestState.NOT_SENT, null);
        }
        IoWatchdog watchdog = IoWatchdog.instance();
        blockingMode.lock();
        watchdog.begin(writeGuard, deadline.systemNanoTime());
        IOException failure = null;
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            watchdog.end(writeGuard);
            blockingMode.unlock();
            bytesWritten += src.position() - start;
        }
        RequestState state = src.position() == start ? RequestState.NOT_SENT : RequestState.MAY_HAVE_BEEN_SENT;
        if (writeGuard.hasFired()) {
            throw writeTimeout(deadline, state, failure);
        }
        if (failure != null) {
            throw failure(failure, state, "writing");
        }
    }

    @Override
    public void shutdownOutput() throws TetherException {
        ensureUsable(RequestState.MAY_HAVE_BEEN_SENT);
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            throw failure(e, RequestState.MAY_HAVE_BEEN_SENT, "shutting down output");
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && brokenBy == null && channel.isOpen();
    }

    @Override
    public boolean isBroken() {
        return brokenBy != null;
    }

    @Override
    public void markBroken(Throwable reason) {
        if (brokenBy == null) {
            brokenBy = reason == null ? new IllegalStateException("marked broken") : reason;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released even when close reports an error; there is nothing left to do.
        }
    }

    private void ensureUsable(RequestState state) throws TetherException {
        if (closed || !channel.isOpen()) {
            throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint, state,
                    "the connection is closed", brokenBy);
        }
        if (brokenBy != null) {
            throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint, state,
                    "the connection is unusable after an earlier failure: " + brokenBy.getMessage(), brokenBy);
        }
    }

    /**
     * As {@link #ensureUsable} for a read, except after a read deadline passed: the watchdog may have fired just as
     * a read returned bytes, which were handed out, and the caller (a framing layer wanting the rest of its reply)
     * reads again. That read is still the timed-out one, and says so rather than "closed locally".
     */
    private void ensureReadable() throws TetherException {
        if (!closed && brokenBy instanceof TimedOutException t && t.phase() == TimedOutException.Phase.READ) {
            throw new TimedOutException(TimedOutException.Phase.READ, endpoint, t.timeout(),
                    RequestState.MAY_HAVE_BEEN_SENT, t);
        }
        ensureUsable(RequestState.MAY_HAVE_BEEN_SENT);
    }

    private TimedOutException readTimeout(Deadline deadline, Throwable cause) {
        TimedOutException e = new TimedOutException(TimedOutException.Phase.READ, endpoint, deadline.budget(),
                RequestState.MAY_HAVE_BEEN_SENT, cause);
        // A read that timed out may have consumed part of a response; the stream is no longer in step.
        markBroken(e);
        closeQuietly();
        return e;
    }

    private TimedOutException writeTimeout(Deadline deadline, RequestState state, Throwable cause) {
        TimedOutException e = new TimedOutException(TimedOutException.Phase.WRITE, endpoint, deadline.budget(),
                state, cause);
        markBroken(e);
        closeQuietly();
        return e;
    }

    private TetherException failure(IOException e, RequestState state, String doing) {
        ConnectionClosedException.Reason reason;
        if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
            reason = ConnectionClosedException.Reason.CLOSED_LOCALLY;
        } else {
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            reason = msg.contains("broken pipe") ? ConnectionClosedException.Reason.BROKEN_PIPE
                    : ConnectionClosedException.Reason.RESET;
        }
        ConnectionClosedException failure = new ConnectionClosedException(reason, endpoint, state,
                doing + " failed: " + e.getMessage(), e);
        markBroken(failure);
        closeQuietly();
        return failure;
    }

    @Override
    public String toString() {
        return "SocketConnection[" + endpoint + ", local " + localAddress + (isOpen() ? "" : ", closed") + "]";
    }
}
