package dev.tether.pool;

import java.util.Objects;

/**
 * A DNS endpoint source could not get a usable answer: the name does not exist, no server answered in time, the
 * name has no records of the kind asked for, or the server failed. The message names the query (name and record
 * type) and the server asked; {@link #reason()} says which case it is, for code that acts on it. A client given
 * the source keeps its last good endpoint set when {@link EndpointSource#resolve()} throws this.
 */
public final class DnsLookupException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a lookup gave no usable answer. */
    public enum Reason {
        /** The server says the name does not exist (NXDOMAIN), or the system resolver does not know it. */
        NAME_NOT_FOUND,
        /** The name exists but has no records of the type asked for (an empty answer). */
        NO_RECORDS,
        /** No server answered within the query timeout and its retries. */
        TIMEOUT,
        /** The server answered with a failure (SERVFAIL): it could not get the answer itself. */
        SERVER_FAILURE,
        /** The server refused the query or does not implement it (REFUSED, NOTIMP). */
        REFUSED,
        /** Anything else: a malformed answer, an unreachable server port, a missing DNS provider. */
        OTHER
    }

    private final Reason reason;
    private final String query;
    private final String server;

    /**
     * @param reason why the lookup failed
     * @param query  what was asked, for example {@code "A backends.example.com"}
     * @param server who was asked, for example {@code "dns://10.0.0.2:53"} or {@code "the system resolver"}
     * @param detail what went wrong, in words
     * @param cause  the underlying failure, or null
     */
    public DnsLookupException(Reason reason, String query, String server, String detail, Throwable cause) {
        super(message(reason, query, server, detail), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.query = Objects.requireNonNull(query, "query");
        this.server = Objects.requireNonNull(server, "server");
    }

    private static String message(Reason reason, String query, String server, String detail) {
        String what = switch (reason) {
            case NAME_NOT_FOUND -> "name not found";
            case NO_RECORDS -> "no records";
            case TIMEOUT -> "no answer in time";
            case SERVER_FAILURE -> "server failure";
            case REFUSED -> "refused";
            case OTHER -> "lookup failed";
        };
        return "DNS " + query + " via " + server + ": " + what + (detail == null || detail.isBlank() ? "" : " (" + detail + ")");
    }

    /** Why the lookup failed. */
    public Reason reason() {
        return reason;
    }

    /** The query: record type and name, for example {@code "SRV _redis._tcp.example.com"}. */
    public String query() {
        return query;
    }

    /** The server or resolver that was asked. */
    public String server() {
        return server;
    }
}
