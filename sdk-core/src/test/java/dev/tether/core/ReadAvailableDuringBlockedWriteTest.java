package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection allows one reader and one writer at once: the reader's non-blocking check must answer at once
 * while the writer is blocked on a peer that does not read, not wait for the write to end.
 */
class ReadAvailableDuringBlockedWriteTest {

    @Test
    void readAvailableAnswersAtOnceWhileAWriteIsBlocked() throws Exception {
        SocketConnector connector = SocketConnector.of(TransportOptions.builder().sendBufferSize(16 * 1024).build());
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint());
             Connection neverReads = listener.accept()) {
            Thread[] writer = new Thread[1];
            Future<?> write = writerThread.submit(() -> {
                writer[0] = Thread.currentThread();
                // Far more than both socket buffers hold: the write blocks until its deadline.
                client.write(ByteBuffer.allocateDirect(32 * 1024 * 1024), Deadline.after(Duration.ofSeconds(30)));
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> writer[0] != null && isInNativeWrite(writer[0]));

            CompletableFuture<Integer> check = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.readAvailable(ByteBuffer.allocate(16));
                } catch (TetherException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Bounded well below the write's 30 s deadline, which is what the check used to wait for.
            assertThat(check.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(client.isOpen()).isTrue();
            assertThat(write.isDone()).isFalse();
            client.close();
        } finally {
            writerThread.shutdownNow();
        }
    }

    private static boolean isInNativeWrite(Thread t) {
        return t.getState() == Thread.State.RUNNABLE
                && Arrays.stream(t.getStackTrace()).anyMatch(e -> e.getMethodName().startsWith("write0"));
    }
}
