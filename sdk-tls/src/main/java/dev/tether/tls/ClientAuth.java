package dev.tether.tls;

/** Whether a TLS server asks connecting clients for a certificate (mutual TLS). */
public enum ClientAuth {
    /** No client certificate is requested. */
    NONE,
    /** A certificate is requested; clients without one are still accepted. */
    REQUESTED,
    /** A trusted client certificate is required; the handshake fails without one. */
    REQUIRED
}
