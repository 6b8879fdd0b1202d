package dev.tether.spring.boot;

import dev.tether.core.Endpoint;
import dev.tether.pool.EndpointSourceStatus;
import dev.tether.pool.TetherClient;
import dev.tether.pool.micrometer.TetherClientMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client's meters in the application's registries, kept in step with its endpoint set. sdk-pool's
 * {@link TetherClientMetrics} registers meters for the endpoints the client has when it binds; a DNS source
 * changes them at run time, so after every change ({@link #sync()}) the new endpoints' meters are registered and
 * those of endpoints no longer in the set (their tag {@code endpoint}) are removed, rather than left reading NaN
 * and piling up as addresses come and go. Also two client-level gauges: {@code tether.client.endpoints} (the
 * endpoints calls are balanced over) and, with an endpoint source, {@code tether.client.endpoint_source.failures}
 * (its failed answers in a row; the client keeps the last good set meanwhile).
 */
final class ClientMeters {
    private static final String POOL_METERS = "tether.pool.";

    private final TetherClient<?, ?> client;
    private final String name;
    private final List<MeterRegistry> registries;
    /** Serialises syncs: the first bind on the context's thread, later ones on the client's background thread. */
    private final ReentrantLock lock = new ReentrantLock();

    ClientMeters(TetherClient<?, ?> client, String name, List<MeterRegistry> registries) {
        this.client = client;
        this.name = name;
        this.registries = List.copyOf(registries);
    }

    /** Registers the client-level gauges and the current endpoints' meters. */
    void bind() {
        for (MeterRegistry registry : registries) {
            Gauge.builder("tether.client.endpoints", client, c -> c.endpoints().size())
                    .description("endpoints the client balances calls over").tag("client", name).register(registry);
            if (client.endpointSourceStatus().isPresent()) {
                Gauge.builder("tether.client.endpoint_source.failures", client,
                                c -> c.endpointSourceStatus().map(EndpointSourceStatus::consecutiveFailures).orElse(0))
                        .description("failed answers in a row from the endpoint source; the last good set is kept")
                        .tag("client", name).register(registry);
            }
        }
        sync();
    }

    /** Brings the per-endpoint meters in line with the client's endpoint set now. */
    void sync() {
        lock.lock();
        try {
            TetherClientMetrics metrics = new TetherClientMetrics(client, name);
            // Registering an existing meter again returns it unchanged, so this adds only the new endpoints' meters.
            registries.forEach(metrics::bindTo);
            // Read after binding: if the set changed in between, that change's own sync follows this one.
            Set<String> current = new HashSet<>();
            for (Endpoint e : client.endpoints()) {
                current.add(e.toString());
            }
            for (MeterRegistry registry : registries) {
                for (Meter meter : registry.getMeters()) {
                    Meter.Id id = meter.getId();
                    String endpoint = id.getTag("endpoint");
                    if (id.getName().startsWith(POOL_METERS) && name.equals(id.getTag("client")) && endpoint != null
                            && !current.contains(endpoint)) {
                        registry.remove(meter);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
