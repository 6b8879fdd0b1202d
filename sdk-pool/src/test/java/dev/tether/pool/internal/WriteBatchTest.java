package dev.tether.pool.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.tether.core.Deadline;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One write's frames gathered in order, into a buffer kept between writes and grown only as batches need. */
class WriteBatchTest {
    private final WriteBatch batch = new WriteBatch();

    @Test
    void framesAreGatheredInOrderAndTheBufferIsKeptBetweenWrites() {
        batch.add(entry("SET a 1\n"));
        batch.add(entry("GET a\n"));
        ByteBuffer first = batch.gathered();
        assertEquals("SET a 1\nGET a\n", text(first));
        assertEquals(4096, first.capacity(), "small batches share a small buffer");
        batch.clear();

        batch.add(entry("PING\n"));
        batch.add(entry("PING\n"));
        ByteBuffer second = batch.gathered();
        assertEquals("PING\nPING\n", text(second));
        assertSame(first, second, "kept, not made again");
    }

    @Test
    void theBufferGrowsToTheBatchUpTo64KiBAndLargerBatchesGetTheirOwn() {
        batch.add(entry("x".repeat(3000)));
        batch.add(entry("y".repeat(3000)));
        ByteBuffer grown = batch.gathered();
        assertEquals(8192, grown.capacity());
        assertEquals(6000, grown.remaining());
        batch.clear();

        batch.add(entry("x".repeat(40_000)));
        batch.add(entry("y".repeat(40_000)));
        ByteBuffer large = batch.gathered();
        assertEquals(80_000, large.remaining());
        assertEquals('y', (char) large.get(79_999));
        batch.clear();

        batch.add(entry("a"));
        batch.add(entry("b"));
        assertSame(grown, batch.gathered(), "the kept one stays for the next small batch");
    }

    @Test
    void aLoneFrameIsWrittenAsItIs() {
        PipelineEntry<String> only = entry("GET a\n");
        batch.add(only);
        assertSame(only.frame, batch.gathered());
    }

    private static PipelineEntry<String> entry(String frame) {
        return new PipelineEntry<>(ByteBuffer.wrap(frame.getBytes(StandardCharsets.US_ASCII)),
                Deadline.after(Duration.ofMinutes(1)), Thread.currentThread());
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.US_ASCII.decode(b.duplicate()).toString();
    }
}
