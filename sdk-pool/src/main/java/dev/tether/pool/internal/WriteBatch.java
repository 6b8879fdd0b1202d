package dev.tether.pool.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests one write of a shared connection carries, and their frames gathered into one buffer so that the
 * write is one system call and the TLS layer makes as few records as it can. Owned by the caller holding the
 * writer role of a {@link Pipeline}.
 */
final class WriteBatch {
    /** A gather buffer up to this size is kept between writes; larger batches allocate one for the write. */
    private static final int KEPT_GATHER_BYTES = 64 * 1024;
    private static final int MIN_GATHER_BYTES = 4 * 1024;

    private final List<PipelineEntry<?>> entries = new ArrayList<>();
    private ByteBuffer gather;
    private long bytes;

    void add(PipelineEntry<?> entry) {
        entries.add(entry);
        bytes += entry.size;
    }

    int size() {
        return entries.size();
    }

    /** The frames in order as one buffer: the frame itself for one request, else copied. */
    ByteBuffer gathered() {
        if (entries.size() == 1) {
            return entries.get(0).frame;
        }
        ByteBuffer out;
        if (bytes <= KEPT_GATHER_BYTES) {
            if (gather == null || gather.capacity() < bytes) {
                // Grown to what the batches need, not made 64 KiB at once: a pipeline is made anew each time its
                // connection drains (about once per 100 requests with 32 callers on Redis), and zeroing 64 KiB
                // each time was 1% of the client's CPU for batches of about 1 KiB.
                gather = ByteBuffer.allocate(Math.min(KEPT_GATHER_BYTES,
                        Math.max(MIN_GATHER_BYTES, Integer.highestOneBit((int) bytes - 1) << 1)));
            }
            out = gather.clear();
        } else {
            out = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, bytes));
        }
        for (PipelineEntry<?> x : entries) {
            out.put(x.frame);
        }
        return out.flip();
    }

    void clear() {
        entries.clear();
        bytes = 0;
    }
}
