package dev.tether.core;

import java.time.Duration;

/** An operation did not finish before its deadline; {@link #phase()} says which one. */
public class TimedOutException extends TetherException {
    private static final long serialVersionUID = 1L;

    /** The operation that ran out of time. */
    public enum Phase {
        /** Establishing the TCP or Unix-domain connection. */
        CONNECT,
        /** The TLS handshake. */
        HANDSHAKE,
        /** Waiting for a connection from a pool. */
        ACQUIRE,
        /** Writing the request. */
        WRITE,
        /** Waiting for or reading the response. */
        READ,
        /** The overall deadline of a call, across attempts and backoff. */
        CALL
    }

    private final Phase phase;
    private final Duration timeout;

    public TimedOutException(Phase phase, Endpoint endpoint, Duration timeout, RequestState state, Throwable cause) {
        this(phase.name().toLowerCase(java.util.Locale.ROOT) + " timed out after " + format(timeout)
                + (endpoint == null ? "" : " on " + endpoint), phase, endpoint, timeout, state, cause);
    }

    protected TimedOutException(String message, Phase phase, Endpoint endpoint, Duration timeout,
                                RequestState state, Throwable cause) {
        super(message, endpoint, state, cause);
        this.phase = phase;
        this.timeout = timeout;
    }

    /** Which operation ran out of time. */
    public Phase phase() {
        return phase;
    }

    /** The time budget the operation had. */
    public Duration timeout() {
        return timeout;
    }

    /** Renders a duration the way people write it: {@code 250ms}, {@code 2s}, {@code 1.5s}. */
    public static String format(Duration d) {
        if (d == null) {
            return "?";
        }
        long ms = d.toMillis();
        if (ms < 1000 || ms % 1000 != 0 && ms < 10_000) {
            return ms < 1000 ? ms + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return (ms / 1000) + "s";
    }
}
