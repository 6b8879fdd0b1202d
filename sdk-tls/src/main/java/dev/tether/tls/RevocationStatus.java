package dev.tether.tls;

import java.util.Objects;

/**
 * The outcome of one revocation check of a certificate: its state, where the answer came from, and a
 * sentence for people.
 *
 * @param state  good, revoked or unknown
 * @param source the stapled OCSP response, an OCSP responder, a CRL, or none
 * @param detail what was checked and, for unknown, why no answer was had
 */
public record RevocationStatus(State state, Source source, String detail) {
    /** What the check found. */
    public enum State {
        /** Not revoked, according to a verified OCSP response or CRL. */
        GOOD,
        /** Revoked, according to a verified OCSP response or CRL. */
        REVOKED,
        /** No verified answer could be had. */
        UNKNOWN
    }

    /** Where the answer came from. */
    public enum Source {
        /** The OCSP response the server stapled to the handshake. */
        STAPLED_OCSP,
        /** An OCSP responder named in the certificate. */
        OCSP,
        /** A CRL from the certificate's distribution point. */
        CRL,
        /** Nothing answered. */
        NONE
    }

    public RevocationStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return state + " (" + source + "): " + detail;
    }
}
