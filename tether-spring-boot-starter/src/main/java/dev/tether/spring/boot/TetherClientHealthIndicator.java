package dev.tether.spring.boot;

import dev.tether.core.Endpoint;
import dev.tether.pool.BreakerState;
import dev.tether.pool.EndpointSourceStatus;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of one client from what it has seen (no probe traffic of its own): UP while at least one endpoint of
 * its current set can take calls, meaning it is reachable (no connect to it has failed since the last successful
 * one) and its circuit breaker is closed (or disabled); DOWN when none can. The set is read at every check, so
 * it follows a DNS source's changes; endpoints removed from the set and still draining are listed (marked
 * {@code draining}) but never count. Details per endpoint: reachability (and, when down, since when and the
 * error's type), breaker state and pool figures; with an endpoint source, its status (what it asks, failures in
 * a row, the last error, the last good answer). Never key material, passwords or payloads.
 */
final class TetherClientHealthIndicator implements HealthIndicator {
    private final TetherClient<?, ?> client;
    private final EndpointReachability reachability;

    TetherClientHealthIndicator(TetherClient<?, ?> client, EndpointReachability reachability) {
        this.client = client;
        this.reachability = reachability;
    }

    @Override
    public Health health() {
        // Stats first: an endpoint removed between the two reads is then seen as draining, not as serving.
        Map<Endpoint, EndpointStats> stats = client.stats();
        Set<Endpoint> current = new HashSet<>(client.endpoints());
        Optional<EndpointSourceStatus> source = client.endpointSourceStatus();
        Map<String, Object> endpoints = new LinkedHashMap<>();
        int available = 0;
        int reachable = 0;
        for (EndpointStats s : stats.values()) {
            boolean draining = !current.contains(s.endpoint());
            Optional<EndpointReachability.Outage> outage = reachability.outage(s.endpoint());
            boolean breakerLets = s.breakerState() == BreakerState.CLOSED || s.breakerState() == BreakerState.DISABLED;
            if (outage.isEmpty() && !draining) {
                reachable++;
                if (breakerLets) {
                    available++;
                }
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            if (draining) {
                detail.put("draining", true);
            }
            detail.put("reachable", outage.isEmpty());
            outage.ifPresent(o -> {
                detail.put("unreachableSince", o.since().toString());
                detail.put("lastConnectError", o.errorType());
            });
            detail.put("breaker", s.breakerState().name());
            detail.put("active", s.active());
            detail.put("idle", s.idle());
            detail.put("inFlight", s.inFlight());
            detail.put("waiting", s.waiting());
            s.tlsSession().ifPresent(t -> detail.put("tls", t.protocol()));
            endpoints.put(s.endpoint().toString(), detail);
        }
        Health.Builder health = available > 0 ? Health.up() : Health.down();
        if (available == 0) {
            health.withDetail("reason", current.isEmpty() ? noEndpoints(source)
                    : reachable == 0 ? "no endpoint is reachable"
                    : "every reachable endpoint's circuit breaker is open");
        }
        health.withDetail("available", available).withDetail("endpoints", endpoints);
        source.ifPresent(status -> health.withDetail("endpointSource", details(status)));
        return health.build();
    }

    private static String noEndpoints(Optional<EndpointSourceStatus> source) {
        if (source.isEmpty()) {
            return "the client has no endpoints";
        }
        return "the endpoint source has not given any endpoints yet" + source.get().lastError().map(e -> ": " + e)
                .orElse("");
    }

    private static Map<String, Object> details(EndpointSourceStatus status) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("source", status.source());
        detail.put("endpoints", status.endpoints().size());
        detail.put("consecutiveFailures", status.consecutiveFailures());
        status.lastError().ifPresent(e -> detail.put("lastError", e));
        status.lastSuccess().ifPresent(t -> detail.put("lastSuccess", t.toString()));
        detail.put("refreshInterval", status.refreshInterval().toString());
        return detail;
    }
}
