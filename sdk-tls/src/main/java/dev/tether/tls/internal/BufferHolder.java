package dev.tether.tls.internal;

import dev.tether.core.Endpoint;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One of a connection's three buffers (network in, plaintext in, network out). The buffer is taken from the
 * pool on first use and given back as soon as it is empty, so an idle connection holds none. It is kept in
 * "write mode": data occupies {@code [0, position)}. Plaintext buffers are zeroed before they leave the
 * holder, whether released, enlarged or disposed.
 */
final class BufferHolder {
    private static final byte[] ZEROS = new byte[4096];
    private final String name;
    private final BufferPool pool;
    private final BufferPool largePool;
    private final boolean plaintext;
    private final int maxSize;
    private ByteBuffer buffer;
    /** Bytes [0, dirty) may hold plaintext and are zeroed on release. */
    private int dirty;

    BufferHolder(String name, BufferPool pool, boolean plaintext, int maxSize) {
        this(name, pool, null, plaintext, maxSize);
    }

    /** {@code largePool}, if given, serves {@link #prepareLarge()}. */
    BufferHolder(String name, BufferPool pool, BufferPool largePool, boolean plaintext, int maxSize) {
        this.name = name;
        this.pool = pool;
        this.largePool = largePool;
        this.plaintext = plaintext;
        this.maxSize = maxSize;
    }

    /** The buffer, taken from the pool when none is held. */
    ByteBuffer prepare() {
        if (buffer == null) {
            buffer = pool.take(pool.bufferSize());
        }
        return buffer;
    }

    /** The buffer, taken from the large pool when none is held (for bulk writes). */
    ByteBuffer prepareLarge() {
        if (buffer == null && largePool != null) {
            buffer = largePool.take(largePool.bufferSize());
        }
        return prepare();
    }

    /** The buffer, at least {@code minCapacity} bytes large. */
    ByteBuffer prepare(int minCapacity) {
        prepare();
        if (buffer.capacity() < minCapacity) {
            resize(Math.min(minCapacity, maxSize));
        }
        return buffer;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    boolean isEmpty() {
        return buffer == null || buffer.position() == 0;
    }

    int capacity() {
        return buffer == null ? 0 : buffer.capacity();
    }

    /** Records how far plaintext may have been written, after the engine wrote into the buffer. */
    void markWritten() {
        if (plaintext && buffer != null && buffer.position() > dirty) {
            dirty = buffer.position();
        }
    }

    /**
     * Doubles the buffer (at least to {@code needed}), keeping its data.
     *
     * @throws ProtocolViolationException when it would exceed the hard cap: a peer announcing larger records
     *                                    than TLS allows must not make us allocate without bound
     */
    ByteBuffer enlarge(int needed, Endpoint endpoint) throws ProtocolViolationException {
        prepare();
        int current = buffer.capacity();
        if (current >= maxSize) {
            throw new ProtocolViolationException("TLS " + name + " buffer would grow beyond " + maxSize
                    + " bytes; the peer sent a record larger than TLS allows", endpoint,
                    RequestState.MAY_HAVE_BEEN_SENT, null);
        }
        resize((int) Math.min(maxSize, Math.max((long) needed, 2L * current)));
        return buffer;
    }

    private void resize(int capacity) {
        ByteBuffer bigger = pool.take(capacity);
        buffer.flip();
        bigger.put(buffer);
        ByteBuffer old = buffer;
        buffer = bigger;
        zeroAndGive(old);
        dirty = plaintext ? buffer.position() : 0;
    }

    /** Gives the buffer back when it holds no data. */
    void releaseIfEmpty() {
        if (buffer != null && buffer.position() == 0) {
            ByteBuffer old = buffer;
            buffer = null;
            zeroAndGive(old);
        }
    }

    /** Gives the buffer back, discarding any data (the connection is closing). */
    void dispose() {
        if (buffer != null) {
            ByteBuffer old = buffer;
            buffer = null;
            dirty = Math.max(dirty, old.position());
            zeroAndGive(old);
        }
    }

    private void zeroAndGive(ByteBuffer old) {
        if (plaintext && dirty > 0) {
            zero(old, Math.min(dirty, old.capacity()));
        }
        dirty = 0;
        if (largePool != null && old.capacity() == largePool.bufferSize()) {
            largePool.give(old);
        } else {
            pool.give(old);
        }
    }

    /** Zeroes bytes [0, length) of a heap or direct buffer. */
    static void zero(ByteBuffer b, int length) {
        if (b.hasArray()) {
            Arrays.fill(b.array(), b.arrayOffset(), b.arrayOffset() + length, (byte) 0);
            return;
        }
        ByteBuffer view = b.duplicate();
        view.clear().limit(length);
        while (view.hasRemaining()) {
            view.put(ZEROS, 0, Math.min(ZEROS.length, view.remaining()));
        }
    }

    /** Moves as much pending plaintext as fits into {@code dst}; returns the count. */
    int transferTo(ByteBuffer dst) {
        buffer.flip();
        int n = Math.min(buffer.remaining(), dst.remaining());
        if (n == buffer.remaining()) {
            dst.put(buffer);
        } else {
            ByteBuffer slice = buffer.duplicate();
            slice.limit(slice.position() + n);
            dst.put(slice);
            buffer.position(buffer.position() + n);
        }
        buffer.compact();
        return n;
    }

    @Override
    public String toString() {
        return name + (buffer == null ? "[released]" : "[" + buffer.position() + "/" + buffer.capacity() + "]");
    }
}
