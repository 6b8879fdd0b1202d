package dev.tether.it.support;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.TetherClientListener;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link TetherClientListener} that remembers what a client reported, so a scenario can assert, for
 * example, that a failure was never retried or that connections were replaced for the expected reason.
 */
public final class RecordingListener implements TetherClientListener {

    private final LongAdder created = new LongAdder();
    private final Queue<DestroyReason> destroyed = new ConcurrentLinkedQueue<>();
    private final Queue<TetherException> retried = new ConcurrentLinkedQueue<>();
    private final Queue<TetherException> throttled = new ConcurrentLinkedQueue<>();

    @Override
    public void connectionCreated(Endpoint endpoint, Duration connectTime) {
        created.increment();
    }

    @Override
    public void connectionDestroyed(Endpoint endpoint, DestroyReason reason) {
        destroyed.add(reason);
    }

    @Override
    public void retryScheduled(Endpoint endpoint, int failedAttempt, TetherException failure, Duration backoff) {
        retried.add(failure);
    }

    @Override
    public void retryThrottled(Endpoint endpoint, TetherException failure) {
        throttled.add(failure);
    }

    /** Connections reported ready. */
    public long created() {
        return created.sum();
    }

    /** Why each closed connection was closed, in the order reported. */
    public List<DestroyReason> destroyed() {
        return List.copyOf(destroyed);
    }

    /** The failures a retry was scheduled after. */
    public List<TetherException> retried() {
        return List.copyOf(retried);
    }

    /** The failures a retry was wanted after but refused by the retry budget. */
    public List<TetherException> throttled() {
        return List.copyOf(throttled);
    }
}
