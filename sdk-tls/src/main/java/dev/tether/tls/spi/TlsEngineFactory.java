package dev.tether.tls.spi;

import javax.net.ssl.SSLEngine;

/**
 * Makes {@link SSLEngine}s for one config's key material and trust. Tether still sets the per-connection
 * parameters (protocols, cipher suites, SNI, client auth) on each engine through {@code SSLParameters} and
 * drives it with its own I/O; the factory only supplies the implementation. Thread-safe.
 */
public interface TlsEngineFactory {

    /**
     * A client-mode engine. {@code peerHost} and {@code peerPort} key the client session cache; both are
     * absent ({@code null}, -1) when the engine must not resume a session.
     */
    SSLEngine newClientEngine(String peerHost, int peerPort);

    /** A server-mode engine (only called when the config holds key material). */
    SSLEngine newServerEngine();

    /**
     * Frees what the engine holds outside the Java heap. Tether calls it exactly once per engine, when its
     * connection closes or its handshake fails; the engine is not used afterwards.
     */
    void release(SSLEngine engine);

    /**
     * Whether these engines work faster on direct (native) buffers than on heap buffers, as engines that hand
     * every record to native code do; Tether then gives their connections direct network and staging buffers.
     */
    default boolean prefersDirectBuffers() {
        return false;
    }

    /** The provider these engines come from. */
    String providerName();
}
