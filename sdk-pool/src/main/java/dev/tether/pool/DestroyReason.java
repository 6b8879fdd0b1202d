package dev.tether.pool;

/** Why a pooled connection was closed; counted per endpoint in {@link EndpointStats}. */
public enum DestroyReason {
    /**
     * Unused for longer than {@link PoolSettings#maxIdleTime()}, or closed while idle to make room under
     * {@link PoolSettings#maxTotal()} for a caller of another endpoint.
     */
    IDLE,
    /** Older than its (jittered) {@link PoolSettings#maxLifetime()}. */
    LIFETIME,
    /** The peer closed it (end of stream or TLS close_notify) while it sat idle; found before any write. */
    STALE,
    /** An I/O error, a timeout mid-exchange, a protocol violation or unexpected bytes: never reused. */
    BROKEN,
    /** The application ping failed or timed out. */
    KEEP_ALIVE_FAILED,
    /** Made with TLS keys or trust older than the connector's current material after a hot reload. */
    TLS_ROTATION,
    /** The client closed. */
    SHUTDOWN,
    /** Its endpoint was removed from the client's endpoint set; closed when it came back, or at the drain timeout. */
    ENDPOINT_REMOVED
}
