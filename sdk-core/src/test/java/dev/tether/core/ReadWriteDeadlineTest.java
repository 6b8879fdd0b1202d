package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peers that accept and then go silent: reads and writes end by their deadlines with typed errors. */
class ReadWriteDeadlineTest {

    private final SocketConnector connector = SocketConnector.of(TransportOptions.builder()
            .sendBufferSize(16 * 1024).build());

    @Test
    void readFromPeerThatNeverAnswersTimesOut() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint());
             Connection silent = listener.accept()) {
            long start = System.nanoTime();
            TimedOutException e = catchThrowableOfType(TimedOutException.class,
                    () -> client.read(ByteBuffer.allocate(64), Deadline.after(Duration.ofMillis(300))));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.READ);
            assertThat(e.requestState()).isEqualTo(RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(e).hasMessageContaining("read timed out after 300ms").hasMessageContaining(listener.endpoint().toString());
            assertThat(elapsedMillis).isBetween(290L, 5_000L);
            assertThat(client.isBroken()).isTrue();
            assertThat(client.isOpen()).isFalse();
            assertThat(silent.isOpen()).isTrue();
        }
    }

    @Test
    void writeToPeerThatNeverReadsTimesOut() throws Exception {
        try (ServerListener listener = ServerListener.loopback();
             Connection client = connector.connect(listener.endpoint());
             Connection neverReads = listener.accept()) {
            // Far more than both socket buffers can hold, so the write must block on the silent peer. Direct,
            // so the JDK does not first copy it into a temporary native buffer.
            ByteBuffer big = ByteBuffer.allocateDirect(32 * 1024 * 1024);
            long start = System.nanoTime();
            TimedOutException e = catchThrowableOfType(TimedOutException.class,
                    () -> client.write(big, Deadline.after(Duration.ofMillis(300))));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.WRITE);
            // The state describes this write: on a starved machine the deadline can fire before any byte left.
            assertThat(e.requestState()).isEqualTo(big.position() == 0 ? RequestState.NOT_SENT
                    : RequestState.MAY_HAVE_BEEN_SENT);
            assertThat(elapsedMillis).isBetween(290L, 5_000L);
            assertThat(big.position()).isLessThan(big.capacity());
            assertThat(client.bytesWritten()).isEqualTo(big.position());
            assertThat(client.isBroken()).isTrue();
        }
    }

    @Test
    void unixSocketReadTimesOutToo(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerListener listener = ServerListener.bindUnix(socket, 0, TransportOptions.defaults());
             Connection client = connector.connect(listener.endpoint());
             Connection silent = listener.accept()) {
            TimedOutException e = catchThrowableOfType(TimedOutException.class,
                    () -> client.read(ByteBuffer.allocate(8), Deadline.after(Duration.ofMillis(200))));

            assertThat(e.phase()).isEqualTo(TimedOutException.Phase.READ);
            assertThat(e).hasMessageContaining("unix:" + socket);
            assertThat(client.isOpen()).isFalse();
        }
        assertThat(Files.exists(socket)).as("listener removes its socket file").isFalse();
    }
}
