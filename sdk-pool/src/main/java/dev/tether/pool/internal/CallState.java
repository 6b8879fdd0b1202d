package dev.tether.pool.internal;

import dev.tether.core.Deadline;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;

/** What one call has been through so far: its deadline, attempts, and the endpoint that failed last. */
final class CallState {
    final Deadline deadline;
    final boolean idempotent;
    /** Wait for an endpoint to become reachable (within the deadline) instead of failing at once. */
    final boolean waitForReady;
    int attempts;
    /** Whether the current attempt holds a breaker permission, so its outcome must be recorded or released. */
    boolean permitted;
    /** Whether the view the last pick used counts calls in flight per endpoint ({@link EndpointSet.View#countsInFlight}). */
    boolean countsInFlight;
    /** The last connect that failed for this call (not an attempt: the call waited for another connection). */
    TetherException lastConnectFailure;
    EndpointPool lastFailed;
    TetherException previousFailure;
    boolean mayHaveBeenSent;
    /** Whether the call may share a connection (pipelining on, not a lease, not exclusive). */
    boolean shared;
    /** The shared connection the current attempt joined ({@link Pipelines#join}); null otherwise. */
    Pipeline<?, ?> pipeline;
    /** Whether the current shared attempt counts in its endpoint's in-flight figure (as a connection's flag does). */
    boolean countedShared;
    /**
     * The last attempt failed because its shared connection failed under another caller: that caller counts the
     * failure against the endpoint; this one only releases its breaker permission.
     */
    boolean failedSecondhand;

    CallState(Deadline deadline, boolean idempotent, boolean waitForReady) {
        this.deadline = deadline;
        this.idempotent = idempotent;
        this.waitForReady = waitForReady;
    }

    /** Notes a failed attempt; earlier failures are kept as suppressed exceptions of the later ones. */
    void failed(EndpointPool endpoint, TetherException failure) {
        attempts++;
        if (endpoint != null) {
            lastFailed = endpoint;
        }
        if (failure.requestState() == RequestState.MAY_HAVE_BEEN_SENT) {
            mayHaveBeenSent = true;
        }
        if (previousFailure != null && previousFailure != failure) {
            failure.addSuppressed(previousFailure);
        }
        previousFailure = failure;
    }
}
