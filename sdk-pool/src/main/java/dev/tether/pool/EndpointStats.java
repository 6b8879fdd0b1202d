package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.tls.TlsSessionInfo;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of one endpoint's pool and health, from {@link TetherClient#stats()}. Counters run from
 * the client's start; acquire-wait percentiles cover every acquire since then.
 *
 * @param endpoint where the connections go
 * @param active connections lent out right now
 * @param idle connections waiting in the pool
 * @param waiting callers waiting for a connection (with pipelining, also those waiting for room on a shared one)
 * @param inFlight calls and leases in progress
 * @param created connections opened so far
 * @param destroyedByReason connections closed so far, by reason (every reason present, zero or more)
 * @param acquires connections handed out so far
 * @param reuses acquires served by a connection that had been used before
 * @param retries attempts on this endpoint that failed and led to a retry
 * @param acquireWaitP50 median time to get a connection (connect time included when one was opened)
 * @param acquireWaitP99 99th percentile of the same
 * @param acquireWaitMax longest acquire so far
 * @param breakerState the endpoint's circuit breaker
 * @param tlsSession what the newest connection's TLS handshake negotiated; empty for plain TCP or before the
 *        first connection
 * @param sharedConnections connections shared by pipelined calls right now (0 unless
 *        {@link PoolSettings#pipelineDepth()} is above 1); they are counted in {@code active} too
 * @param pipelinedInFlight requests in flight on those shared connections right now (their pipeline depth summed)
 * @param pipelineWrites writes on shared connections so far
 * @param pipelinedRequests requests those writes carried ({@link #pipelineBatchAverage()} is the ratio)
 */
public record EndpointStats(Endpoint endpoint, int active, int idle, int waiting, int inFlight, long created,
                            Map<DestroyReason, Long> destroyedByReason, long acquires, long reuses, long retries,
                            Duration acquireWaitP50, Duration acquireWaitP99, Duration acquireWaitMax,
                            BreakerState breakerState, Optional<TlsSessionInfo> tlsSession, int sharedConnections,
                            int pipelinedInFlight, long pipelineWrites, long pipelinedRequests) {

    /** Stats of a client that does not pipeline (no shared connections). */
    public EndpointStats(Endpoint endpoint, int active, int idle, int waiting, int inFlight, long created,
                         Map<DestroyReason, Long> destroyedByReason, long acquires, long reuses, long retries,
                         Duration acquireWaitP50, Duration acquireWaitP99, Duration acquireWaitMax,
                         BreakerState breakerState, Optional<TlsSessionInfo> tlsSession) {
        this(endpoint, active, idle, waiting, inFlight, created, destroyedByReason, acquires, reuses, retries,
                acquireWaitP50, acquireWaitP99, acquireWaitMax, breakerState, tlsSession, 0, 0, 0, 0);
    }

    /** Stats without TLS session information (plain TCP, or none negotiated yet). */
    public EndpointStats(Endpoint endpoint, int active, int idle, int waiting, int inFlight, long created,
                         Map<DestroyReason, Long> destroyedByReason, long acquires, long reuses, long retries,
                         Duration acquireWaitP50, Duration acquireWaitP99, Duration acquireWaitMax,
                         BreakerState breakerState) {
        this(endpoint, active, idle, waiting, inFlight, created, destroyedByReason, acquires, reuses, retries,
                acquireWaitP50, acquireWaitP99, acquireWaitMax, breakerState, Optional.empty());
    }

    public EndpointStats {
        Objects.requireNonNull(tlsSession, "tlsSession");
        EnumMap<DestroyReason, Long> copy = new EnumMap<>(DestroyReason.class);
        for (DestroyReason r : DestroyReason.values()) {
            copy.put(r, destroyedByReason.getOrDefault(r, 0L));
        }
        destroyedByReason = Collections.unmodifiableMap(copy);
    }

    /** Connections closed so far, all reasons together. */
    public long destroyed() {
        return destroyedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Connections closed so far for {@code reason}. */
    public long destroyed(DestroyReason reason) {
        return destroyedByReason.get(reason);
    }

    /** Requests per write on shared connections, on average so far (0 before the first; 1 means no batching). */
    public double pipelineBatchAverage() {
        return pipelineWrites == 0 ? 0 : (double) pipelinedRequests / pipelineWrites;
    }

    /** Share of acquires that reused a connection, 0 to 1 (0 before the first acquire). */
    public double reuseRatio() {
        return acquires == 0 ? 0 : (double) reuses / acquires;
    }
}
