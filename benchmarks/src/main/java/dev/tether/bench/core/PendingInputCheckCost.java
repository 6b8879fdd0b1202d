package dev.tether.bench.core;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Locale;

/**
 * The CPU cost of the check a pool makes before every reuse ({@link Connection#available()}), next to a 64-byte
 * write and read on the same connection, both as thread CPU time so other processes' load does not inflate them.
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.tether.bench.core.PendingInputCheckCost [rounds]}.
 */
public final class PendingInputCheckCost {
    private PendingInputCheckCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            try (Connection client = SocketConnector.create().connect(Endpoint.of("127.0.0.1", port),
                    Deadline.after(Duration.ofSeconds(5)));
                 SocketChannel server = listener.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                for (int round = 1; round <= rounds; round++) {
                    int checks = 500_000;
                    long pending = 0;
                    long start = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < checks; i++) {
                        pending += client.available();
                    }
                    long checkNanos = threads.getCurrentThreadCpuTime() - start;
                    int exchanges = 50_000;
                    start = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < exchanges; i++) {
                        buf.clear();
                        server.write(buf);
                        buf.clear();
                        while (buf.hasRemaining()) {
                            client.read(buf, Deadline.after(Duration.ofSeconds(5)));
                        }
                    }
                    long exchangeNanos = threads.getCurrentThreadCpuTime() - start;
                    System.out.printf(Locale.ROOT, "round %d: available() %.0f ns CPU per call (%d pending seen);"
                                    + " 64-byte write + read %.0f ns CPU%n", round, checkNanos / (double) checks, pending,
                            exchangeNanos / (double) exchanges);
                }
            }
        }
    }
}
