package dev.tether.pool;

import dev.tether.pool.internal.ClientCore;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;

/** Test access to a client's clock and engine: build a client on a {@link ManualTime} and run its maintenance. */
public final class ManualClients {
    private ManualClients() {
    }

    /** {@code builder} with the client's clock moved by hand through {@code time}. */
    public static <Req, Resp> TetherClient.Builder<Req, Resp> on(ManualTime time, TetherClient.Builder<Req, Resp> builder) {
        return builder.timeSource(time);
    }

    /** A builder for {@code server} with default settings, on {@code time}. */
    public static TetherClient.Builder<String, String> forServer(ManualTime time, FaultyServer server) {
        return on(time, TetherClient.builder(Clients.CODEC)).endpoint(server.endpoint());
    }

    /** The engine behind {@code client}. */
    public static <Req, Resp> ClientCore<Req, Resp> core(TetherClient<Req, Resp> client) {
        return ((PooledClient<Req, Resp>) client).core();
    }

    /** One maintenance pass now, on this thread. */
    public static void maintain(TetherClient<?, ?> client) {
        core(client).runMaintenance();
    }
}
