package dev.tether.core;

/** The connection ended while it was in use: end of stream, reset, broken pipe or closed locally. */
public final class ConnectionClosedException extends TetherException {
    private static final long serialVersionUID = 1L;

    /** How the connection ended. */
    public enum Reason {
        /** The peer closed its side (TCP FIN) before the exchange finished. */
        EOF,
        /** The peer reset the connection (TCP RST). */
        RESET,
        /** Writing failed because the peer is gone. */
        BROKEN_PIPE,
        /** This side closed the connection, for example during shutdown. */
        CLOSED_LOCALLY
    }

    private final Reason reason;

    public ConnectionClosedException(Reason reason, Endpoint endpoint, RequestState state, String detail,
                                     Throwable cause) {
        super(message(reason, endpoint, detail), endpoint, state, cause);
        this.reason = reason;
    }

    private static String message(Reason reason, Endpoint endpoint, String detail) {
        String what = switch (reason) {
            case EOF -> "connection closed by peer ";
            case RESET -> "connection reset by peer ";
            case BROKEN_PIPE -> "broken pipe writing to ";
            case CLOSED_LOCALLY -> "connection closed locally to ";
        };
        return what + endpoint + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }

    /** How the connection ended. */
    public Reason reason() {
        return reason;
    }
}
