package dev.tether.pool;

import dev.tether.core.Endpoint;
import java.time.Duration;
import java.util.List;

/**
 * Where a client's endpoints come from when they can change while it runs: a DNS name whose addresses change
 * (a Kubernetes headless service, a cache replaced during maintenance), SRV records, a registry of your own.
 *
 * <p>The client asks once when it is built and then every {@link #refreshInterval()} on its background thread;
 * each answer replaces the endpoint set (see {@link TetherClient#updateEndpoints}: added endpoints are warmed
 * before they take calls, removed ones drain). An answer that fails or is empty keeps the last good set, is
 * logged and shows in {@link TetherClient#endpointSourceStatus()}; the client then asks again sooner, backing
 * off up to the refresh interval. {@link #resolve()} runs on one thread at a time and may block, bounded by its
 * own timeouts; it should not take longer than a small part of the refresh interval.
 */
public interface EndpointSource {

    /**
     * The endpoints now, in preference order (the order only matters for round robin's start and for stats).
     * Duplicates are ignored. For TLS, an endpoint found by name should carry that name as its server name
     * ({@link Endpoint#withServerName}) so hostname verification checks the name, not the address.
     *
     * @throws Exception when the answer cannot be had now; the client keeps the last good set
     */
    List<Endpoint> resolve() throws Exception;

    /** How often the client asks again after a good answer; 30s unless the source says otherwise. */
    default Duration refreshInterval() {
        return Duration.ofSeconds(30);
    }

    /** What this source asks, for logs and stats, for example {@code "dns A/AAAA redis.prod.svc:6379"}. */
    String description();
}
