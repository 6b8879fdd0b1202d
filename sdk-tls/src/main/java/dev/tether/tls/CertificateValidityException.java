package dev.tether.tls;

import dev.tether.core.Endpoint;
import java.time.Instant;

/**
 * A certificate in the peer's chain is outside its validity period: expired, or not valid yet (often a clock
 * that is wrong on one side). The message carries the certificate's dates and the local time.
 */
public final class CertificateValidityException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    /** Which side of its validity period the certificate is on. */
    public enum Kind {
        /** The current time is after the certificate's notAfter date. */
        EXPIRED,
        /** The current time is before the certificate's notBefore date. */
        NOT_YET_VALID
    }

    private final Kind kind;
    private final Instant notBefore;
    private final Instant notAfter;

    public CertificateValidityException(String message, Endpoint endpoint, Kind kind, Instant notBefore,
                                        Instant notAfter, Throwable cause) {
        super(message, endpoint, cause);
        this.kind = kind;
        this.notBefore = notBefore;
        this.notAfter = notAfter;
    }

    public Kind kind() {
        return kind;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }
}
