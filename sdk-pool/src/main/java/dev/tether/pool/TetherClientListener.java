package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import java.time.Duration;
import java.util.List;

/**
 * Receives a client's lifecycle events, for metrics or logs of your own. Every method has an empty default, so
 * implement only what you need. Methods run on the thread that caused the event (a caller, or the pool's
 * maintenance thread) and must return quickly; an exception thrown from one is logged and otherwise ignored.
 * Events never carry payloads or key material.
 */
public interface TetherClientListener {

    /** A new connection is ready (connected and, with TLS, handshaken). */
    default void connectionCreated(Endpoint endpoint, Duration connectTime) {
    }

    /** A connection was closed, and why. */
    default void connectionDestroyed(Endpoint endpoint, DestroyReason reason) {
    }

    /** An attempt failed and the call will be tried again after {@code backoff}. */
    default void retryScheduled(Endpoint endpoint, int failedAttempt, TetherException failure, Duration backoff) {
    }

    /** A retry was allowed by the rules but refused by the retry budget. */
    default void retryThrottled(Endpoint endpoint, TetherException failure) {
    }

    /** An endpoint's circuit breaker changed state. */
    default void breakerStateChanged(Endpoint endpoint, BreakerState from, BreakerState to) {
    }

    /** A lease has been held longer than the leak detection threshold; {@code acquiredAt} holds the stack that took it. */
    default void leakSuspected(Endpoint endpoint, Duration heldFor, Throwable acquiredAt) {
    }

    /**
     * A connect to an endpoint failed and the endpoint is now treated as unreachable: callers stop connecting to
     * it and reconnects follow the {@link ReconnectSettings} backoff. Fired once per outage.
     */
    default void endpointUnreachable(Endpoint endpoint, TetherException cause) {
    }

    /** An unreachable endpoint accepted a connection again after {@code downFor} and {@code failedConnects} failures. */
    default void endpointReachable(Endpoint endpoint, Duration downFor, int failedConnects) {
    }

    /**
     * The endpoint set changed ({@link TetherClient#updateEndpoints} or an {@link EndpointSource} answer):
     * {@code added} are warmed and then take calls, {@code removed} take no new calls and close once drained.
     */
    default void endpointsChanged(List<Endpoint> added, List<Endpoint> removed) {
    }

    /** The endpoint source failed or answered with no endpoints; the client keeps serving {@code keeping}. */
    default void endpointSourceFailed(String source, Exception error, List<Endpoint> keeping) {
    }
}
