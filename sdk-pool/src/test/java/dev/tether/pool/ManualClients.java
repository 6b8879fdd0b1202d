package dev.tether.pool;

import dev.tether.pool.internal.ClientCore;
import dev.tether.pool.internal.ManualTime;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

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

    /**
     * Runs {@code call} on another thread and moves {@code time} by {@code step} whenever a thread waits on it (a
     * retry backing off, a caller waiting for a reconnect), until the call returns: time passes only while
     * someone waits for it, never by the wall clock. Returns the call's result or throws what it threw.
     */
    public static <T> T drive(ManualTime time, Duration step, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread t = new Thread(task, "driven-call");
        t.setDaemon(true);
        t.start();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a safety net, not a timing assumption
        while (!task.isDone()) {
            if (time.parkedThreads() > 0) {
                long parks = time.parks();
                time.advance(step);
                // Moves on only once the woken caller has looked at the new time (waits again or ends), so the
                // clock never runs ahead of a caller that has not been scheduled yet.
                while (!task.isDone() && time.parks() == parks && System.nanoTime() - giveUp < 0) {
                    Thread.yield();
                }
            } else {
                Thread.yield();
            }
            if (System.nanoTime() - giveUp > 0) {
                t.interrupt();
                throw new AssertionError("the driven call did not end");
            }
        }
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw (Error) e.getCause();
        }
    }

    /** One maintenance pass now, on this thread. */
    public static void maintain(TetherClient<?, ?> client) {
        core(client).runMaintenance();
    }
}
