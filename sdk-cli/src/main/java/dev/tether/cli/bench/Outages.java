package dev.tether.cli.bench;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.pool.TetherClientListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records when endpoints were unreachable during a bench run, so the report can say "down from 4.02s to 4.35s"
 * instead of counting the calls that waited through it.
 */
public final class Outages implements TetherClientListener {
    /** One period an endpoint could not be connected to; {@code endSeconds} is negative when it never came back. */
    public record Outage(String endpoint, double startSeconds, double endSeconds, int failedConnects, String cause) {
        boolean ended() {
            return endSeconds >= 0;
        }
    }

    private final long startNanos = System.nanoTime();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Endpoint, Outage> open = new HashMap<>();
    private final List<Outage> ended = new ArrayList<>();

    @Override
    public void endpointUnreachable(Endpoint endpoint, TetherException cause) {
        lock.lock();
        try {
            open.put(endpoint, new Outage(endpoint.toString(), now(), -1, 1, cause.getMessage()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void endpointReachable(Endpoint endpoint, Duration downFor, int failedConnects) {
        lock.lock();
        try {
            Outage o = open.remove(endpoint);
            double end = now();
            ended.add(new Outage(endpoint.toString(), o != null ? o.startSeconds() : end - downFor.toNanos() / 1e9, end,
                    failedConnects, o != null ? o.cause() : null));
        } finally {
            lock.unlock();
        }
    }

    /** Every outage so far, ended ones first, in the order they began. */
    public List<Outage> all() {
        lock.lock();
        try {
            List<Outage> all = new ArrayList<>(ended);
            all.addAll(open.values());
            all.sort((a, b) -> Double.compare(a.startSeconds(), b.startSeconds()));
            return all;
        } finally {
            lock.unlock();
        }
    }

    private double now() {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
