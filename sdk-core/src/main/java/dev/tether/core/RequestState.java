package dev.tether.core;

/**
 * What a failure says about the request in flight: whether it can have reached the server.
 *
 * <p>Retry logic leans on this: a request {@link #NOT_SENT} can be retried whatever it does, while one that
 * {@link #MAY_HAVE_BEEN_SENT} can only be retried when the caller declared it idempotent.
 */
public enum RequestState {
    /** No byte of the request left this process; retrying cannot execute it twice. */
    NOT_SENT,
    /** Some or all of the request may have reached the server; its effect is unknown. */
    MAY_HAVE_BEEN_SENT
}
