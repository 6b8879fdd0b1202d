package dev.tether.core;

/** A connection could not be established; nothing was sent. */
public final class ConnectFailedException extends TetherException {
    private static final long serialVersionUID = 1L;

    /** Why the connection could not be established. */
    public enum Reason {
        /** The peer actively refused (nothing listens on the port). */
        REFUSED,
        /** No route to the host or network. */
        UNREACHABLE,
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** Any other socket-level failure while connecting. */
        OTHER
    }

    private final Reason reason;

    public ConnectFailedException(Reason reason, Endpoint endpoint, String detail, Throwable cause) {
        super(message(reason, endpoint, detail), endpoint, RequestState.NOT_SENT, cause);
        this.reason = reason;
    }

    private static String message(Reason reason, Endpoint endpoint, String detail) {
        String what = switch (reason) {
            case REFUSED -> "connection refused by ";
            case UNREACHABLE -> "network unreachable for ";
            case UNKNOWN_HOST -> "unknown host for ";
            case OTHER -> "could not connect to ";
        };
        return what + endpoint + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }

    /** Why the connection could not be established. */
    public Reason reason() {
        return reason;
    }
}
