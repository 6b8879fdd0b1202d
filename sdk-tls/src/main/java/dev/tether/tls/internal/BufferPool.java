package dev.tether.tls.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small, bounded, lock-free pool of buffers of one size and kind (heap or direct), shared by all TLS
 * connections. Idle
 * connections hold no buffers (they are given back when empty), so the pool's size bounds the memory held
 * for I/O by roughly the number of connections doing I/O at once, not the number of connections.
 *
 * <p>Buffers are handed back clear; buffers that held plaintext are zeroed by their holder first, so the
 * pool never carries one connection's data to another.
 */
public final class BufferPool {
    /** Holds one TLS record: 16 KiB of plaintext plus the largest expansion the JDK announces (16709 bytes). */
    public static final int BUFFER_SIZE = 17 * 1024;

    /** The pool every connection uses. 64 buffers cap its retained memory at about 1.1 MiB. */
    public static final BufferPool SHARED = new BufferPool(BUFFER_SIZE, 64);

    /**
     * Network-out buffers for large writes: four records per socket write instead of one. 16 buffers cap its
     * retained memory at about 1.1 MiB.
     */
    public static final BufferPool LARGE = new BufferPool(4 * BUFFER_SIZE, 16);

    /**
     * Direct twins of {@link #SHARED} and {@link #LARGE}, for engines that work on native memory (OpenSSL): with
     * heap buffers such an engine copies every record into a temporary direct buffer and back, and so does the
     * socket channel. Bounded like the heap pools (about 2.2 MiB of native memory in all).
     */
    public static final BufferPool SHARED_DIRECT = new BufferPool(BUFFER_SIZE, 64, true);

    /** See {@link #SHARED_DIRECT}. */
    public static final BufferPool LARGE_DIRECT = new BufferPool(4 * BUFFER_SIZE, 16, true);

    private final int bufferSize;
    private final boolean direct;
    private final AtomicReferenceArray<ByteBuffer> slots;

    /** A pool of heap buffers. */
    public BufferPool(int bufferSize, int maxBuffers) {
        this(bufferSize, maxBuffers, false);
    }

    /** A pool of heap or {@code direct} buffers. */
    public BufferPool(int bufferSize, int maxBuffers, boolean direct) {
        if (bufferSize <= 0 || maxBuffers <= 0) {
            throw new IllegalArgumentException("bufferSize and maxBuffers must be positive: " + bufferSize + ", " + maxBuffers);
        }
        this.bufferSize = bufferSize;
        this.direct = direct;
        this.slots = new AtomicReferenceArray<>(maxBuffers);
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Whether this pool hands out direct buffers. */
    public boolean isDirect() {
        return direct;
    }

    private ByteBuffer allocate(int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /** A clear buffer of at least {@code minCapacity} bytes; larger ones than the pool's size are not pooled. */
    public ByteBuffer take(int minCapacity) {
        if (minCapacity > bufferSize) {
            return allocate(minCapacity);
        }
        int n = slots.length();
        int start = home(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            ByteBuffer b = slots.get(slot);
            if (b != null && slots.compareAndSet(slot, b, null)) {
                return b;
            }
        }
        return allocate(bufferSize);
    }

    /** Returns a buffer; it is dropped when the pool is full or the buffer is not of the pool's size. */
    public void give(ByteBuffer buffer) {
        if (buffer.capacity() != bufferSize || buffer.isReadOnly() || buffer.isDirect() != direct) {
            return;
        }
        buffer.clear();
        int n = slots.length();
        int start = home(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, buffer)) {
                return;
            }
        }
    }

    /**
     * Where a thread starts scanning. Each thread gives a buffer back to the slot it took it from, so a thread
     * doing I/O usually finds its buffer at the first probe; different threads start apart to avoid contention.
     */
    @SuppressWarnings("deprecation")
    private static int home(int n) {
        long mixed = Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        return (int) ((mixed >>> 32) % n);
    }

    /** Buffers currently held by the pool (for tests and diagnostics). */
    public int pooled() {
        int count = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                count++;
            }
        }
        return count;
    }
}
