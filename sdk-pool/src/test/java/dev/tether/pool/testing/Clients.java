package dev.tether.pool.testing;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/** Shared set-up for pool tests: the line codec the {@link FaultyServer} speaks, and quick settings. */
public final class Clients {
    /** Lines up to 1 KiB, with the server's PING/PONG keep-alive. */
    public static final LineCodec CODEC = LineCodec.builder().maxLineLength(1024).ping("PING", "PONG").build();

    private Clients() {
    }

    /** A builder for {@code server} with a fast maintenance cycle, so tests need not wait seconds. */
    public static TetherClient.Builder<String, String> forServer(FaultyServer server) {
        return TetherClient.builder(CODEC).endpoint(server.endpoint())
                .pool(PoolSettings.builder().maintenanceInterval(Duration.ofMillis(50)).build());
    }

    public static CallOptions idempotent(Duration timeout) {
        return CallOptions.timeout(timeout).idempotent();
    }

    /** The pool's own books must balance: every connection made is either destroyed, in use, or idle. */
    public static boolean accountingBalances(EndpointStats s) {
        return s.created() - s.destroyed() == s.active() + s.idle();
    }

    public static long destroyed(TetherClient<?, ?> client, DestroyReason reason) {
        return client.stats().values().stream().mapToLong(s -> s.destroyed(reason)).sum();
    }

    /** Open file descriptors of this process (Linux). */
    public static long openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
