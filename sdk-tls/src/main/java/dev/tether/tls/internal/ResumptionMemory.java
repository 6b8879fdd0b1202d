package dev.tether.tls.internal;

import dev.tether.core.Endpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one TLS context has learnt about session resumption per server (host and port, as the JDK caches client
 * sessions): which servers this client completed a handshake with while offering resumption, so it may hold a
 * session to offer them; and which servers abort a handshake that offers one, so connections to them no longer
 * do. Bounded: past {@link #MAX_ENDPOINTS} servers nothing more is remembered, which only costs the fallback
 * handshake again.
 */
public final class ResumptionMemory {
    static final int MAX_ENDPOINTS = 4096;

    private final Set<String> mayHoldSession = ConcurrentHashMap.newKeySet();
    private final Set<String> refusing = ConcurrentHashMap.newKeySet();

    /** The key the JDK's client session cache uses for {@code endpoint}, or {@code null} when it caches none. */
    static String key(Endpoint endpoint) {
        String name = endpoint.tlsName().orElse(null);
        return name == null ? null : name + ":" + (endpoint.isUnix() ? -1 : endpoint.port());
    }

    /** True when connections to {@code key} should not offer resumption. */
    boolean refuses(String key) {
        return refusing.contains(key);
    }

    /** A handshake offering resumption completed with {@code key}: the JDK may now hold a session for it. */
    void handshakeCompleted(String key) {
        if (!mayHoldSession.contains(key) && mayHoldSession.size() < MAX_ENDPOINTS) {
            mayHoldSession.add(key);
        }
    }

    /** True when an earlier handshake with {@code key} may have left a session that a new one offered. */
    boolean mayHoldSession(String key) {
        return mayHoldSession.contains(key);
    }

    /** Remembers that {@code key} refuses resumption; true the first time, so the caller logs it once. */
    boolean refuse(String key) {
        return refusing.size() < MAX_ENDPOINTS && refusing.add(key);
    }
}
