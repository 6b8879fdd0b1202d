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
     * Whether another attempt could succeed. Transport failures are; configuration, trust and protocol
     * failures are not, because the same attempt would fail the same way.
     */
    public boolean isRetryable() {
        return true;
    }
}
