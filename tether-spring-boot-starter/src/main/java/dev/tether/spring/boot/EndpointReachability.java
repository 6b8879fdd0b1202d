package dev.tether.spring.boot;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.pool.TetherClientListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which endpoints of one client are unreachable, from the client's own connect outcomes
 * ({@link TetherClientListener#endpointUnreachable} and {@link TetherClientListener#endpointReachable}): the
 * health indicator reads it, since {@code TetherClient.stats()} carries pool and breaker figures only. An
 * endpoint counts as reachable until a connect to it fails, and again from the first successful reconnect (the
 * client reconnects in the background, so this recovers without calls). An endpoint removed from the set is
 * forgotten: it takes no calls, and if it comes back it starts afresh in the client too.
 */
final class EndpointReachability implements TetherClientListener {

    /** Why and since when an endpoint is unreachable; the error's type only, never its message. */
    record Outage(Instant since, String errorType) {
    }

    private final Map<Endpoint, Outage> down = new ConcurrentHashMap<>();

    @Override
    public void endpointUnreachable(Endpoint endpoint, TetherException cause) {
        down.put(endpoint, new Outage(Instant.now(), cause.getClass().getSimpleName()));
    }

    @Override
    public void endpointReachable(Endpoint endpoint, Duration downFor, int failedConnects) {
        down.remove(endpoint);
    }

    @Override
    public void endpointsChanged(List<Endpoint> added, List<Endpoint> removed) {
        // Addresses come and go with DNS: without this the map would keep every address ever seen.
        removed.forEach(down::remove);
    }

    /** The endpoint's current outage, if a connect to it failed and none has succeeded since. */
    Optional<Outage> outage(Endpoint endpoint) {
        return Optional.ofNullable(down.get(endpoint));
    }
}
