package dev.tether.pool;

import dev.tether.core.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a client's {@link EndpointSource} is doing: the set it serves from, when the source last answered, and
 * its failures since. While {@code consecutiveFailures} is above zero the client keeps serving {@code endpoints}
 * (the last good answer).
 *
 * @param source              the source's {@link EndpointSource#description()}
 * @param endpoints           the endpoint set in use
 * @param lastSuccess         when the source last gave a usable answer; empty if it never has
 * @param consecutiveFailures failed or empty answers since the last good one
 * @param lastError           the last failure's message, if the last answer failed
 * @param refreshInterval     how often the source is asked after a good answer
 */
public record EndpointSourceStatus(String source, List<Endpoint> endpoints, Optional<Instant> lastSuccess,
                                   int consecutiveFailures, Optional<String> lastError, Duration refreshInterval) {
    public EndpointSourceStatus {
        endpoints = List.copyOf(endpoints);
    }
}
