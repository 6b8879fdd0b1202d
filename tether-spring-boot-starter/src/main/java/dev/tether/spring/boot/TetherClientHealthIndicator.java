package dev.tether.spring.boot;

import dev.tether.core.Endpoint;
import dev.tether.pool.BreakerState;
import dev.tether.pool.EndpointStats;
import dev.tether.pool.TetherClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of one client from what it has seen (no probe traffic of its own): UP while at least one endpoint can
 * take calls, meaning it is reachable (no connect to it has failed since the last successful one) and its circuit
 * breaker is closed (or disabled); DOWN when none can. Details per endpoint: reachability (and, when down, since
 * when and the error's type), breaker state and pool figures. Never key material, passwords or payloads.
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
        Map<Endpoint, EndpointStats> stats = client.stats();
        Map<String, Object> endpoints = new LinkedHashMap<>();
        int available = 0;
        int reachable = 0;
        for (EndpointStats s : stats.values()) {
            Optional<EndpointReachability.Outage> outage = reachability.outage(s.endpoint());
            boolean breakerLets = s.breakerState() == BreakerState.CLOSED || s.breakerState() == BreakerState.DISABLED;
            if (outage.isEmpty()) {
                reachable++;
                if (breakerLets) {
                    available++;
                }
            }
            Map<String, Object> detail = new LinkedHashMap<>();
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
            health.withDetail("reason", stats.isEmpty() ? "the client has no endpoints"
                    : reachable == 0 ? "no endpoint is reachable"
                    : "every reachable endpoint's circuit breaker is open");
        }
        return health.withDetail("available", available).withDetail("endpoints", endpoints).build();
    }
}
