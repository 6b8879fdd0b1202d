package dev.tether.pool.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Endpoint;
import dev.tether.pool.CircuitBreakerSettings;
import dev.tether.pool.ReconnectSettings;
import java.io.IOException;
import java.util.List;

/**
 * Endpoint pools for the engine's unit tests: {@code 127.0.0.1:7000+index}, the default breaker and reconnect
 * settings, no listeners, on the test's clock, with the reconnect backoff's jitter fixed at its middle.
 */
final class TestEndpoints {
    static final CircuitBreakerSettings BREAKER = CircuitBreakerSettings.defaults();

    private TestEndpoints() {
    }

    static EndpointPool endpoint(int index, TimeSource time) {
        ReconnectSettings r = ReconnectSettings.defaults();
        return new EndpointPool(Endpoint.parse("127.0.0.1:" + (7000 + index)), BREAKER, "test",
                new Listeners(List.of()), time,
                new Backoff(r.initialBackoff(), r.multiplier(), r.jitter(), r.maxBackoff(), () -> 0.5));
    }

    /** Fails calls on {@code ep} until its breaker opens (with the defaults, within the minimum number of calls). */
    static void trip(EndpointPool ep) {
        for (int i = 0; i < BREAKER.minimumCalls() && !ep.breakerOpen(); i++) {
            assertThat(ep.tryPermission()).isTrue();
            ep.recordFailure(1_000, new IOException("boom"));
        }
        assertThat(ep.breakerOpen()).isTrue();
    }
}
