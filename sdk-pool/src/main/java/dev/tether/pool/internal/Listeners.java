package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.pool.BreakerState;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.TetherClientListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to the configured listeners; a listener that throws is logged, never allowed to break a call. */
final class Listeners implements TetherClientListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<TetherClientListener> listeners;

    Listeners(List<TetherClientListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    private void each(String event, Consumer<TetherClientListener> action) {
        for (TetherClientListener l : listeners) {
            try {
                action.accept(l);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // Errors too: one escaping a connect skips closing the new connection, giving back the caller's
                // permits and commons-pool2's count of it (it only undoes that for an Exception). A
                // VirtualMachineError still propagates.
                LOG.warn("listener {} failed handling {}", l, event, e);
            }
        }
    }

    @Override
    public void connectionCreated(Endpoint endpoint, Duration connectTime) {
        if (!listeners.isEmpty()) {
            each("connectionCreated", l -> l.connectionCreated(endpoint, connectTime));
        }
    }

    @Override
    public void connectionDestroyed(Endpoint endpoint, DestroyReason reason) {
        if (!listeners.isEmpty()) {
            each("connectionDestroyed", l -> l.connectionDestroyed(endpoint, reason));
        }
    }

    @Override
    public void retryScheduled(Endpoint endpoint, int failedAttempt, TetherException failure, Duration backoff) {
        if (!listeners.isEmpty()) {
            each("retryScheduled", l -> l.retryScheduled(endpoint, failedAttempt, failure, backoff));
        }
    }

    @Override
    public void retryThrottled(Endpoint endpoint, TetherException failure) {
        if (!listeners.isEmpty()) {
            each("retryThrottled", l -> l.retryThrottled(endpoint, failure));
        }
    }

    @Override
    public void breakerStateChanged(Endpoint endpoint, BreakerState from, BreakerState to) {
        if (!listeners.isEmpty()) {
            each("breakerStateChanged", l -> l.breakerStateChanged(endpoint, from, to));
        }
    }

    @Override
    public void leakSuspected(Endpoint endpoint, Duration heldFor, Throwable acquiredAt) {
        if (!listeners.isEmpty()) {
            each("leakSuspected", l -> l.leakSuspected(endpoint, heldFor, acquiredAt));
        }
    }

    @Override
    public void endpointUnreachable(Endpoint endpoint, TetherException cause) {
        if (!listeners.isEmpty()) {
            each("endpointUnreachable", l -> l.endpointUnreachable(endpoint, cause));
        }
    }

    @Override
    public void endpointReachable(Endpoint endpoint, Duration downFor, int failedConnects) {
        if (!listeners.isEmpty()) {
            each("endpointReachable", l -> l.endpointReachable(endpoint, downFor, failedConnects));
        }
    }

    @Override
    public void endpointsChanged(List<Endpoint> added, List<Endpoint> removed) {
        if (!listeners.isEmpty()) {
            each("endpointsChanged", l -> l.endpointsChanged(added, removed));
        }
    }

    @Override
    public void endpointSourceFailed(String source, Exception error, List<Endpoint> keeping) {
        if (!listeners.isEmpty()) {
            each("endpointSourceFailed", l -> l.endpointSourceFailed(source, error, keeping));
        }
    }
}
