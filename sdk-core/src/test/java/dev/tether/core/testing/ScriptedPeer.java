package dev.tether.core.testing;

import dev.tether.core.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.awaitility.Awaitility;

/**
 * A loopback server that accepts one connection and plays a script against it: write these bytes in these
 * chunks, expect those bytes, close, reset. For tests of the client side of a protocol over real sockets.
 *
 * <pre>{@code
 * try (ScriptedPeer peer = ScriptedPeer.start(ScriptedPeer.script()
 *         .expect("PING\r\n")
 *         .sendInChunks("+PONG\r\n", 1)
 *         .closeOutput())) {
 *     ... connect to peer.endpoint() and talk ...
 *     peer.awaitDone(Duration.ofSeconds(5)); // rethrows anything that went wrong on the peer's side
 * }
 * }</pre>
 *
 * <p>Writes go out with {@code TCP_NODELAY}, one {@code write} per chunk, so small chunks leave as separate
 * segments. Once the script ends the connection stays open until the peer is closed, unless the script
 * closed or reset it.
 */
public final class ScriptedPeer implements AutoCloseable {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    private final ServerSocketChannel server;
    private final Endpoint endpoint;
    private final Path unixPath;
    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final ByteCollector received = new ByteCollector();
    private volatile SocketChannel channel;
    private volatile Throwable failure;

    private ScriptedPeer(ServerSocketChannel server, Endpoint endpoint, Path unixPath, Script script) {
        this.server = server;
        this.endpoint = endpoint;
        this.unixPath = unixPath;
        List<Step> steps = List.copyOf(script.steps);
        this.thread = new Thread(() -> run(steps), "scripted-peer-" + endpoint);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts a TCP peer on an ephemeral loopback port. */
    public static ScriptedPeer start(Script script) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            return new ScriptedPeer(server, Endpoint.of(InetAddress.getLoopbackAddress().getHostAddress(), port),
                    null, script);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts a Unix-domain peer listening at {@code socketPath}, which is deleted on close. */
    public static ScriptedPeer startUnix(Path socketPath, Script script) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            return new ScriptedPeer(server, Endpoint.unix(socketPath), socketPath, script);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A new, empty script. */
    public static Script script() {
        return new Script();
    }

    /** Where to connect. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Every byte the script has read from the client so far. */
    public byte[] received() {
        return received.toByteArray();
    }

    /**
     * Waits for the script to finish and rethrows, as an {@link AssertionError}, whatever failed on the peer's
     * side (an unexpected byte, an early end of stream).
     */
    public void awaitDone(Duration timeout) throws InterruptedException {
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("scripted peer did not finish within " + timeout + "; received so far: "
                    + HexFormat.of().formatHex(received()));
        }
        if (failure != null) {
            throw new AssertionError("scripted peer failed: " + failure, failure);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
        closeQuietly(server);
        thread.interrupt();
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete " + unixPath, e);
            }
        }
    }

    private void run(List<Step> steps) {
        try {
            SocketChannel accepted = server.accept();
            channel = accepted;
            if (unixPath == null) {
                accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            for (Step step : steps) {
                step.run(accepted, received);
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            done.countDown();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // Test teardown: the socket is released either way.
        }
    }

    /** One action of a script. */
    @FunctionalInterface
    public interface Step {
        void run(SocketChannel channel, ByteCollector received) throws Exception;
    }

    /** The bytes a peer read, in order; safe to read from the test thread while the peer writes. */
    public static final class ByteCollector {
        private byte[] bytes = new byte[256];
        private int size;

        synchronized void add(ByteBuffer data) {
            int n = data.remaining();
            if (size + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            }
            data.get(bytes, size, n);
            size += n;
        }

        synchronized byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /** What the peer does, in order. Build with {@link ScriptedPeer#script()}. */
    public static final class Script {
        private final List<Step> steps = new ArrayList<>();

        private Script() {
        }

        /** Writes {@code data} in one write. */
        public Script send(byte[] data) {
            return sendInChunks(data, Math.max(1, data.length));
        }

        /** Writes {@code text} in UTF-8 in one write. */
        public Script send(String text) {
            return send(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Writes {@code data} with one write per {@code chunkSize} bytes. */
        public Script sendInChunks(byte[] data, int chunkSize) {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
            }
            byte[] copy = data.clone();
            steps.add((ch, rx) -> {
                for (int at = 0; at < copy.length; at += chunkSize) {
                    writeFully(ch, ByteBuffer.wrap(copy, at, Math.min(chunkSize, copy.length - at)));
                }
            });
            return this;
        }

        /** Writes {@code text} in UTF-8 with one write per {@code chunkSize} bytes. */
        public Script sendInChunks(String text, int chunkSize) {
            return sendInChunks(text.getBytes(StandardCharsets.UTF_8), chunkSize);
        }

        /**
         * Writes {@code data} one byte at a time, each only after the client has read everything before it, as
         * reported by {@code clientBytesRead} (typically {@code connection::bytesRead}, minus any offset the
         * test knows). Guarantees the client sees every byte in a separate read.
         */
        public Script sendLockstep(byte[] data, LongSupplier clientBytesRead) {
            byte[] copy = data.clone();
            steps.add((ch, rx) -> {
                long start = clientBytesRead.getAsLong();
                for (int i = 0; i < copy.length; i++) {
                    long expected = start + i;
                    Awaitility.await("client to read byte " + i).atMost(STEP_TIMEOUT).pollDelay(Duration.ZERO)
                            .pollInterval(Duration.ofMillis(1)).until(() -> clientBytesRead.getAsLong() >= expected);
                    writeFully(ch, ByteBuffer.wrap(copy, i, 1));
                }
            });
            return this;
        }

        /** Reads exactly {@code expected.length} bytes and fails unless they are these. */
        public Script expect(byte[] expected) {
            byte[] copy = expected.clone();
            steps.add((ch, rx) -> {
                byte[] actual = readExactly(ch, copy.length, rx);
                if (!Arrays.equals(actual, copy)) {
                    throw new AssertionError("expected " + HexFormat.of().formatHex(copy) + " ("
                            + printable(copy) + ") but the client sent " + HexFormat.of().formatHex(actual)
                            + " (" + printable(actual) + ")");
                }
            });
            return this;
        }

        /** Reads and checks {@code text} in UTF-8. */
        public Script expect(String text) {
            return expect(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Reads {@code n} bytes, whatever they are (see {@link ScriptedPeer#received()}). */
        public Script read(int n) {
            steps.add((ch, rx) -> readExactly(ch, n, rx));
            return this;
        }

        /** Reads until the client closes or shuts down its output. */
        public Script awaitEof() {
            steps.add((ch, rx) -> {
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (ch.read(buf) >= 0) {
                    buf.flip();
                    rx.add(buf);
                    buf.clear();
                }
            });
            return this;
        }

        /** Waits until {@code latch} opens (the test says "go"). */
        public Script await(CountDownLatch latch) {
            steps.add((ch, rx) -> {
                if (!latch.await(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("latch not released within " + STEP_TIMEOUT);
                }
            });
            return this;
        }

        /** Opens {@code latch} (tells the test "done so far"). */
        public Script signal(CountDownLatch latch) {
            steps.add((ch, rx) -> latch.countDown());
            return this;
        }

        /** Sends end-of-stream (TCP FIN) but keeps reading possible. */
        public Script closeOutput() {
            steps.add((ch, rx) -> ch.shutdownOutput());
            return this;
        }

        /** Closes the connection cleanly. */
        public Script close() {
            steps.add((ch, rx) -> ch.close());
            return this;
        }

        /** Aborts the connection with a TCP RST ({@code SO_LINGER} 0); TCP only. */
        public Script reset() {
            steps.add((ch, rx) -> {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                ch.close();
            });
            return this;
        }

        /** Any other action. */
        public Script then(Step step) {
            steps.add(step);
            return this;
        }

        private static void writeFully(SocketChannel ch, ByteBuffer data) throws IOException {
            while (data.hasRemaining()) {
                ch.write(data);
            }
        }

        private static byte[] readExactly(SocketChannel ch, int n, ByteCollector rx) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(n);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    buf.flip();
                    rx.add(buf.duplicate());
                    throw new AssertionError("client ended the stream after " + buf.remaining() + " of " + n
                            + " expected bytes");
                }
            }
            buf.flip();
            rx.add(buf.duplicate());
            return buf.array();
        }

        private static String printable(byte[] bytes) {
            StringBuilder sb = new StringBuilder();
            for (byte b : bytes) {
                sb.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF));
            }
            return sb.toString();
        }
    }
}
