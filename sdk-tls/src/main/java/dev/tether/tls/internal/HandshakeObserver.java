package dev.tether.tls.internal;

/**
 * What one handshake revealed, for precise error messages and checks: the name the server must prove, and
 * whether the server asked for a client certificate. The JDK calls key and trust managers on the thread
 * that runs the engine's delegated tasks, which for Tether is the handshaking thread, so a thread-local
 * links those callbacks to the connection.
 */
public final class HandshakeObserver {
    private static final ThreadLocal<HandshakeObserver> CURRENT = new ThreadLocal<>();

    private final String expectedName;
    private volatile boolean certificateRequested;
    private volatile boolean peerVerified;
    private volatile dev.tether.tls.RevocationStatus revocationStatus;

    public HandshakeObserver(String expectedName) {
        this.expectedName = expectedName;
    }

    /** The observer of the handshake running on this thread, or null. */
    static HandshakeObserver current() {
        return CURRENT.get();
    }

    void bind() {
        CURRENT.set(this);
    }

    static void unbind() {
        CURRENT.remove();
    }

    /** The name the server certificate must match; null when there is none (server side, or no verification). */
    public String expectedName() {
        return expectedName;
    }

    public boolean certificateRequested() {
        return certificateRequested;
    }

    void markCertificateRequested() {
        certificateRequested = true;
    }

    /** Whether the peer's certificate was verified in this handshake (false when a session was resumed). */
    public boolean peerVerified() {
        return peerVerified;
    }

    void markPeerVerified() {
        peerVerified = true;
    }

    /** What the revocation check of the server's certificate found; null when none ran. */
    public dev.tether.tls.RevocationStatus revocationStatus() {
        return revocationStatus;
    }

    void revocationStatus(dev.tether.tls.RevocationStatus status) {
        revocationStatus = status;
    }
}
