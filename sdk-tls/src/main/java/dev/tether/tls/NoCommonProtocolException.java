package dev.tether.tls;

import dev.tether.core.Endpoint;

/**
 * The two sides share no TLS protocol version or no cipher suite (for example a server that only speaks
 * TLS 1.0, or a cipher list narrowed on one side). The message lists what this side offered.
 */
public final class NoCommonProtocolException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    public NoCommonProtocolException(String message, Endpoint endpoint, Throwable cause) {
        super(message, endpoint, cause);
    }
}
