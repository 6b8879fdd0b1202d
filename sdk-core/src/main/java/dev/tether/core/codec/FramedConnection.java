package dev.tether.core.codec;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Whole messages over a byte-stream {@link Connection}: {@link #send} encodes a request with the {@link Codec}
 * and writes it, {@link #receive} reads until one complete response is decoded. Bytes past that response
 * (pipelined replies, several messages in one read) stay buffered for the next {@link #receive}.
 *
 * <p><b>Memory.</b> The read buffer starts small, grows by doubling only while a frame is larger than it, never
 * beyond the codec's {@link Codec#maxFrameSize()}, and is dropped once it is empty after having grown, so an
 * idle connection holds only the small initial buffer.
 *
 * <p><b>Failures.</b> Any failure while writing or reading (an {@link Error} included), and any protocol
 * violation in the inbound bytes, marks the connection {@linkplain Connection#markBroken broken} (the caller or
 * its pool must close it) and is rethrown naming the endpoint. An end of stream while a response is awaited is a
 * {@link ConnectionClosedException} with reason {@code EOF}, its message saying "truncated" when it cut a frame
 * short. A request the codec refuses to encode is a {@link ProtocolViolationException} with
 * {@link RequestState#NOT_SENT}; nothing was written, so the connection stays usable.
 *
 * <p><b>Threads.</b> Like the connection, at most one thread sends and one thread receives at a time; the read
 * buffer belongs to the receiving side, and {@link #hasBufferedInput()} is meant for it too.
 *
 * @param <Req> what is sent
 * @param <Resp> what is received
 */
public final class FramedConnection<Req, Resp> implements AutoCloseable {
    /** Initial read buffer: enough for most replies of request/response protocols in one read. */
    public static final int DEFAULT_INITIAL_BUFFER_SIZE = 1024;

    private final Connection connection;
    private final Codec<Req, Resp> codec;
    private final FrameDecoder<Resp> decoder;
    private final int initialCapacity;
    private final int maxCapacity;

    /**
     * Unconsumed input between position and limit ("read mode"); {@code null} once released. Bytes before the
     * position belong to frames already returned.
     */
    private ByteBuffer buffer;

    /** Frames {@code connection} with {@code codec}, starting with a {@value #DEFAULT_INITIAL_BUFFER_SIZE}-byte buffer. */
    public FramedConnection(Connection connection, Codec<Req, Resp> codec) {
        this(connection, codec, DEFAULT_INITIAL_BUFFER_SIZE);
    }

    /**
     * Frames {@code connection} with {@code codec}, starting with a read buffer of {@code initialBufferSize}
     * bytes (at least 16).
     */
    public FramedConnection(Connection connection, Codec<Req, Resp> codec, int initialBufferSize) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.codec = Objects.requireNonNull(codec, "codec");
        if (initialBufferSize < 16) {
            throw new IllegalArgumentException("initialBufferSize must be at least 16: " + initialBufferSize);
        }
        int maxFrame = codec.maxFrameSize();
        if (maxFrame < 1) {
            throw new IllegalArgumentException("codec maxFrameSize must be positive: " + maxFrame + " (" + codec + ")");
        }
        this.decoder = Objects.requireNonNull(codec.newDecoder(), "codec.newDecoder()");
        this.initialCapacity = initialBufferSize;
        // The buffer may exceed one frame only by its initial size; anything larger is a frame the codec rejects.
        this.maxCapacity = Math.max(maxFrame, initialBufferSize);
    }

    /** The underlying connection. */
    public Connection connection() {
        return connection;
    }

    /** The codec framing this connection. */
    public Codec<Req, Resp> codec() {
        return codec;
    }

    /**
     * True when bytes beyond the last received message are already buffered: pipelined replies, or data the
     * peer sent unasked (which makes a connection unfit for pooling).
     */
    public boolean hasBufferedInput() {
        return buffer != null && buffer.hasRemaining();
    }

    /** Bytes of read buffer this connection currently holds, for monitoring its footprint; 0 when released. */
    public int bufferCapacity() {
        return buffer == null ? 0 : buffer.capacity();
    }

    /**
     * Encodes and writes one request, finishing by {@code deadline}.
     *
     * @throws ProtocolViolationException with {@link RequestState#NOT_SENT} when the codec cannot frame the
     *         request (the connection stays usable)
     * @throws TetherException when writing fails or times out (the connection is then broken)
     */
    public void send(Req request, Deadline deadline) throws TetherException {
        Objects.requireNonNull(deadline, "deadline");
        ByteBuffer frame;
        try {
            frame = codec.encode(request);
        } catch (ProtocolViolationException e) {
            throw new ProtocolViolationException("cannot send request: " + e.getMessage(), connection.endpoint(),
                    RequestState.NOT_SENT, e);
        }
        try {
            connection.write(frame, deadline);
        } catch (TetherException | RuntimeException | Error e) {
            // An Error too: a write cut short leaves the peer mid-frame, whatever interrupted it.
            connection.markBroken(e);
            throw e;
        }
    }

    /**
     * Reads until one whole message is decoded, finishing by {@code deadline}. Returns at once, without
     * reading, when a complete message is already buffered.
     *
     * @throws ConnectionClosedException with reason {@code EOF} when the peer ends the stream first
     * @throws ProtocolViolationException when the inbound bytes are malformed or a frame is too large
     * @throws dev.tether.core.TimedOutException with phase {@code READ} when the deadline passes first
     */
    public Resp receive(Deadline deadline) throws TetherException {
        Objects.requireNonNull(deadline, "deadline");
        if (connection.isBroken() || !connection.isOpen()) {
            buffer = null;
            throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY,
                    connection.endpoint(), RequestState.MAY_HAVE_BEEN_SENT,
                    "the connection is closed or unusable after an earlier failure", null);
        }
        try {
            while (true) {
                if (buffer != null && buffer.hasRemaining()) {
                    Resp message = decodeBuffered();
                    if (message != null) {
                        releaseIfEmpty();
                        return message;
                    }
                }
                if (fill(deadline) < 0) {
                    throw endOfStream();
                }
            }
        } catch (TetherException | RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError allocating a large reply, say): the reply is half read and the
            // decoder may hold part of it, so the next caller would be handed this caller's response.
            buffer = null;
            connection.markBroken(e);
            throw e;
        }
    }

    /**
     * The next message if a whole one is already buffered, else null; never reads. For a peer answering
     * pipelined requests: a server echoes every request that arrived together in one write, and a pipelined
     * client hands out every reply that arrived together before it blocks again.
     *
     * @throws ProtocolViolationException when the buffered bytes are malformed or a frame is too large (the
     *         connection is then broken)
     */
    public Resp receiveBuffered() throws TetherException {
        if (buffer == null || !buffer.hasRemaining()) {
            return null;
        }
        try {
            Resp message = decodeBuffered();
            if (message != null) {
                releaseIfEmpty();
            }
            return message;
        } catch (TetherException | RuntimeException | Error e) {
            buffer = null;
            connection.markBroken(e);
            throw e;
        }
    }

    /** {@link #send} then {@link #receive}, both within the one {@code deadline}. */
    public Resp exchange(Req request, Deadline deadline) throws TetherException {
        send(request, deadline);
        return receive(deadline);
    }

    /**
     * Closes the underlying connection. Safe while another thread is in {@link #receive}: that read fails
     * with a typed error and drops the buffer itself, so the buffer is never touched from two threads.
     */
    @Override
    public void close() {
        connection.close();
    }

    private Resp decodeBuffered() throws ProtocolViolationException {
        try {
            return decoder.decode(buffer);
        } catch (ProtocolViolationException e) {
            throw new ProtocolViolationException(e.getMessage(), connection.endpoint(),
                    RequestState.MAY_HAVE_BEEN_SENT, e);
        }
    }

    /** Reads once into the free space after the buffered bytes; returns what the connection read. */
    private int fill(Deadline deadline) throws TetherException {
        makeRoom();
        ByteBuffer buf = buffer;
        int start = buf.position();
        buf.position(buf.limit()).limit(buf.capacity());
        try {
            return connection.read(buf, deadline);
        } finally {
            buf.limit(buf.position()).position(start);
        }
    }

    /**
     * Ensures free space after the buffered bytes: allocates the initial buffer, moves a partial frame to the
     * front, or doubles the buffer when a partial frame fills it.
     */
    private void makeRoom() throws ProtocolViolationException {
        if (buffer == null) {
            buffer = ByteBuffer.allocate(initialCapacity).limit(0);
            return;
        }
        // Whatever is buffered is one incomplete frame, usually short: moving it is cheaper than growing.
        if (buffer.position() > 0) {
            buffer.compact().flip();
        }
        if (buffer.limit() < buffer.capacity()) {
            return;
        }
        int capacity = buffer.capacity();
        if (capacity >= maxCapacity) {
            throw new ProtocolViolationException("frame exceeds maxFrameSize " + codec.maxFrameSize()
                    + " bytes: still incomplete after " + buffer.remaining() + " bytes", connection.endpoint(),
                    RequestState.MAY_HAVE_BEEN_SENT, null);
        }
        int grown = (int) Math.min(maxCapacity, capacity * 2L);
        ByteBuffer bigger = ByteBuffer.allocate(grown);
        bigger.put(buffer).flip();
        buffer = bigger;
    }

    /** Gives a grown buffer back once it is empty; the small initial one is kept for the next response. */
    private void releaseIfEmpty() {
        if (buffer.hasRemaining()) {
            return;
        }
        if (buffer.capacity() > initialCapacity) {
            buffer = null;
        } else {
            buffer.position(0).limit(0);
        }
    }

    private ConnectionClosedException endOfStream() {
        int buffered = buffer == null ? 0 : buffer.remaining();
        String detail = buffered == 0
                ? "end of stream while waiting for a response"
                : "response truncated: end of stream after " + buffered + " bytes of an incomplete frame";
        return new ConnectionClosedException(ConnectionClosedException.Reason.EOF, connection.endpoint(),
                RequestState.MAY_HAVE_BEEN_SENT, detail, null);
    }

    @Override
    public String toString() {
        return "FramedConnection[" + connection + ", " + codec + "]";
    }
}
