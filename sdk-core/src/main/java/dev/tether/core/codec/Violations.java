package dev.tether.core.codec;

import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;

/** Factories for the protocol violations codecs raise, so the request state is right for each direction. */
final class Violations {
    private Violations() {
    }

    /** A request that cannot be framed: found before anything was written, so it is known not sent. */
    static ProtocolViolationException unencodable(String message) {
        return new ProtocolViolationException(message, null, RequestState.NOT_SENT, null);
    }

    /** {@link #unencodable(String)} with the failure that revealed it. */
    static ProtocolViolationException unencodable(String message, Throwable cause) {
        return new ProtocolViolationException(message, null, RequestState.NOT_SENT, cause);
    }

    /** Inbound bytes that break the protocol; the exchange they answer may have reached the peer. */
    static ProtocolViolationException malformed(String message) {
        return new ProtocolViolationException(message);
    }
}
