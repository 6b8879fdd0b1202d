package dev.tether.core;

import java.io.IOException;
import java.util.Objects;

/**
 * Root of every failure Tether reports. Each subclass is a cause a caller can act on, and every instance
 * says whether the request may have reached the server ({@link #requestState()}) and whether trying again
 * could help at all ({@link #isRetryable()}).
 */
public abstract class TetherException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Endpoint endpoint;
    private final RequestState requestState;

    protected TetherException(String message, Endpoint endpoint, RequestState requestState, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
        this.requestState = Objects.requireNonNull(requestState, "requestState");
    }

    /** The endpoint the failure concerns, or {@code null} when it concerns no single endpoint. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** Whether the request is known not to have been sent, or may have reached the server. */
    public RequestState requestState() {
        return requestState;
    }

    /** True when no byte of the request can have reached the server. */
    public boolean requestNotSent() {
        return requestState == RequestState.NOT_SENT;
    }

    /**
     * Whether another attempt of the same request could succeed, and so whether a pooled client
     * ({@code TetherClient}) retries it: exactly the failures that say true here are retried, and then only as
     * {@link #requestState()} allows (a request that may have reached the server only when the call is
     * idempotent) and while attempts, retry budget and deadline remain. Transport failures are retryable;
     * configuration, trust and protocol failures are not (the same attempt would fail the same way), nor are
     * failures after which the client has already waited all it may (a full pool, a deadline spent waiting for
     * an endpoint) or must not go on (closed client, interrupted call, refused breaker).
     */
    public boolean isRetryable() {
        return true;
    }
}
