package dev.tether.tls.internal;

import dev.tether.core.Endpoint;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the TLS 1.2 renegotiations clients tried and servers refused, and logs each peer host once, so a
 * client hammering renegotiation cannot flood the log. The set of logged hosts is bounded (least recently
 * logged dropped first).
 */
public final class ClientRenegotiation {
    private static final Logger log = LoggerFactory.getLogger(ClientRenegotiation.class);
    private static final int MAX_REMEMBERED_PEERS = 1024;
    private static final AtomicLong REFUSED = new AtomicLong();
    private static final Set<String> LOGGED = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_REMEMBERED_PEERS;
                }
            }));

    private ClientRenegotiation() {
    }

    static void refused(Endpoint peer) {
        REFUSED.incrementAndGet();
        String host = peer.isUnix() ? peer.toString() : peer.host();
        if (LOGGED.add(host)) {
            log.warn("refused a TLS 1.2 renegotiation started by the client at {} and closed the connection; further"
                    + " attempts from {} are counted but not logged", peer, host);
        }
    }

    /** How many client-initiated renegotiations servers in this JVM refused. */
    public static long refusedCount() {
        return REFUSED.get();
    }
}
