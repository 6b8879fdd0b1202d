package dev.tether.pool.internal;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.TetherException;
import dev.tether.core.codec.Codec;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.KeepAlivePing;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.internal.jfr.TetherEvents;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsSessionInfo;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Making, checking and closing Tether connections: connects through the {@link Connector} within the caller's
 * deadline (reporting the outcome to {@link Reachability}), checks an idle connection before reuse and during
 * maintenance, pings it when a keep-alive is due, and closes it once, counting each destruction by reason.
 *
 * <p>The reuse check is cheap by design (no round trip): TLS generation, lifetime, broken flags, pending bytes
 * (one FIONREAD), and after {@link PoolSettings#validateAfterInactivity()} a non-blocking read that finds an end
 * of stream or a TLS close_notify. The application ping only runs in maintenance.
 */
final class Connections<Req, Resp> {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /**
     * A connection given back less than this long ago skips the pending-bytes system call on reuse. Bytes that
     * arrive within it are as unseen as bytes arriving between any check and the write after it; the check is
     * for what arrives while a connection rests (a peer closing idle connections, a TLS close_notify, junk),
     * and a connection that is handed straight from caller to caller does not rest. Without this, the call
     * (about 300 ns) would be most of what taking a pooled connection costs.
     */
    static final long PENDING_CHECK_AFTER_NANOS = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(100);

    private final Connector connector;
    private final Codec<Req, Resp> codec;
    private final KeepAlivePing<Req, Resp> ping;
    private final TimeSource time;
    private final Duration connectTimeout;
    private final long maxLifetimeNanos;
    private final long lifetimeJitterNanos;
    private final long validateAfterNanos;
    private final long keepAliveIntervalNanos;
    private final Duration keepAliveTimeout;
    private final Listeners listeners;
    private final Reachability reachability;
    private final Capacity capacity;
    private volatile boolean shuttingDown;

    Connections(Connector connector, Codec<Req, Resp> codec, KeepAlivePing<Req, Resp> ping, TimeSource time,
                Duration connectTimeout, PoolSettings settings, Listeners listeners, Reachability reachability,
                Capacity capacity) {
        this.connector = connector;
        this.codec = codec;
        this.ping = ping;
        this.time = time;
        this.connectTimeout = connectTimeout;
        this.maxLifetimeNanos = settings.maxLifetime().toNanos();
        this.lifetimeJitterNanos = settings.maxLifetimeJitter().toNanos();
        this.validateAfterNanos = settings.validateAfterInactivity().toNanos();
        this.keepAliveIntervalNanos = settings.keepAliveInterval().toNanos();
        this.keepAliveTimeout = settings.keepAliveTimeout();
        this.listeners = listeners;
        this.reachability = reachability;
        this.capacity = capacity;
    }

    void shuttingDown() {
        shuttingDown = true;
    }

    /** A deadline for a background connect (warm-up, reconnect), on the client's clock. */
    Deadline backgroundDeadline() {
        return Deadline.after(connectTimeout, time.deadlineClock());
    }

    /**
     * Connects to {@code ep} in {@code slot}'s room, within {@code deadline}. The new connection is owned by the
     * caller ({@link PooledConnection#LEASED}). On failure the slot is freed and the outcome reported.
     *
     * @param callerDeadline whether {@code deadline} is a caller's (its expiry then says nothing about the endpoint)
     */
    PooledConnection<Req, Resp> open(EndpointPool ep, Slot slot, Deadline deadline, boolean callerDeadline)
            throws TetherException {
        if (!ep.health.admitConnect()) {
            // Unreachable, and the one reconnect attempt the backoff allows is not due or already running.
            capacity.free(slot);
            EndpointHealth.Outage outage = ep.health.outage();
            throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, ep.endpoint,
                    "unreachable, reconnecting with backoff", outage == null ? null : outage.lastError());
        }
        long start = time.nanoTime();
        TetherEvents.Opening opening = TetherEvents.opening();
        Connection connection;
        try {
            connection = connector.connect(ep.endpoint, deadline);
        } catch (TetherException e) {
            capacity.free(slot);
            if (e.isRetryable() && (!callerDeadline || !deadline.isExpired())) {
                reachability.failed(ep, e);
            } else {
                // The caller's own deadline ran out, or the failure is not about reachability (trust, pins).
                ep.health.abandoned();
            }
            throw e;
        } catch (RuntimeException | Error e) {
            capacity.free(slot);
            ep.health.abandoned();
            throw e;
        }
        if (!connection.isOpen() || connection.isBroken()) {
            // Closed before its first use (a peer that accepts and hangs up at once): nothing was sent, and the
            // endpoint is treated as unreachable, else such a peer would be connected to in a tight loop.
            connection.close();
            capacity.free(slot);
            ConnectFailedException failure = new ConnectFailedException(ConnectFailedException.Reason.OTHER,
                    ep.endpoint, "the new connection closed before its first use", null);
            reachability.failed(ep, failure);
            throw failure;
        }
        long now = time.nanoTime();
        long lifetime = maxLifetimeNanos
                - (lifetimeJitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(lifetimeJitterNanos + 1));
        PooledConnection<Req, Resp> pc;
        try {
            pc = new PooledConnection<>(ep, slot, connection, new FramedConnection<>(connection, codec), now, lifetime);
        } catch (RuntimeException | Error e) {
            // The codec's newDecoder failed: nobody else holds the new socket.
            connection.close();
            capacity.free(slot);
            throw e;
        }
        ep.live.add(pc);
        ep.created.increment();
        Duration took = Duration.ofNanos(now - start);
        LOG.debug("opened connection to {} (local {}) in {}", ep.endpoint, connection.localAddress(), took);
        listeners.connectionCreated(ep.endpoint, took);
        if (connection instanceof TlsConnection tls) {
            ep.lastTlsSession = TlsSessionInfo.of(tls);
        }
        opening.opened(ep.clientName, ep.endpoint, connection);
        if (callerDeadline) {
            reachability.connected(ep);
        }
        // A background connect reports after its connection is in the pool ({@link #reportConnected}), so the
        // callers it wakes find it there instead of each connecting anew.
        return pc;
    }

    /** Reports a background connect's success, once its connection is in the pool. */
    void reportConnected(EndpointPool ep) {
        reachability.connected(ep);
    }

    /**
     * Closes {@code pc} once, frees its room and counts it, whoever owned it (the owner, or the client at
     * shutdown). Without a recorded reason, the destruction is an idle clean-up, or the shutdown.
     *
     * @return whether this call destroyed it (false if someone already had)
     */
    boolean destroy(PooledConnection<Req, Resp> pc, DestroyReason reason) {
        if (reason != null) {
            pc.retire(reason);
        }
        if (!pc.markClosed()) {
            return false;
        }
        closeClaimed(pc);
        return true;
    }

    /** Closes a connection already marked closed by the caller (see {@link PooledConnection#claimIdleForClosing}). */
    void closeClaimed(PooledConnection<Req, Resp> pc) {
        pc.retire(shuttingDown ? DestroyReason.SHUTDOWN : DestroyReason.IDLE);
        DestroyReason why = pc.retireReason();
        EndpointPool ep = pc.endpoint;
        ep.live.remove(pc);
        // The connection, not the FramedConnection: at shutdown another thread may still be reading through it.
        pc.connection.close();
        // Counted before its room is freed: a caller taking that room connects and counts a creation, and stats
        // must never show more connections open (created - destroyed) than the limits allow.
        ep.recordDestroyed(why);
        capacity.free(pc.slot);
        LOG.debug("closed connection to {} (local {}): {}", ep, pc.connection.localAddress(), why);
        listeners.connectionDestroyed(ep.endpoint, why);
        TetherEvents.destroyed(ep.clientName, ep.endpoint, why.name(), time.nanoTime() - pc.createdNanos);
    }

    /**
     * The check before an idle connection is reused: true when it may carry a request. A connection that fails
     * it has its reason recorded and must be destroyed by the caller (its owner).
     */
    boolean usable(PooledConnection<Req, Resp> pc, long now) {
        if (!passesStaticChecks(pc, now)) {
            return false;
        }
        long idleFor = now - pc.lastUsedNanos;
        if (idleFor >= validateAfterNanos) {
            return probe(pc);
        }
        if (idleFor >= PENDING_CHECK_AFTER_NANOS && hasPendingInput(pc)) {
            return probe(pc);
        }
        return true;
    }

    /**
     * The check every reuse pays: bytes waiting on an idle request/response connection are junk, a late reply or
     * a TLS close_notify/alert, and sending on it would misalign the stream or fail after the request left. One
     * system call (FIONREAD); the non-blocking read of {@link #probe} then decides (a TLS session ticket is
     * harmless and consumed there). A transport that cannot tell cheaply is always probed.
     */
    private static boolean hasPendingInput(PooledConnection<?, ?> pc) {
        try {
            return pc.connection.available() != 0;
        } catch (TetherException e) {
            return true;
        }
    }

    /** Maintenance's check of an idle connection it owns: the reuse checks, a probe, and a ping when one is due. */
    boolean healthyWhileIdle(PooledConnection<Req, Resp> pc, long now) {
        if (!passesStaticChecks(pc, now) || !probe(pc)) {
            return false;
        }
        if (ping != null && keepAliveIntervalNanos > 0
                && now - Math.max(pc.lastAliveNanos, pc.lastUsedNanos) >= keepAliveIntervalNanos) {
            return ping(pc);
        }
        return true;
    }

    /** {@link #outdated} without recording a reason: for a connection the caller does not own. */
    boolean pastItsTime(PooledConnection<?, ?> pc, long now) {
        return pc.generation < connector.generation() || now - pc.expiresAtNanos >= 0;
    }

    /** Made with older TLS material, or past its lifetime: reasons to go that need no I/O (recorded on it). */
    boolean outdated(PooledConnection<Req, Resp> pc, long now) {
        if (!pastItsTime(pc, now)) {
            return false;
        }
        pc.retire(pc.generation < connector.generation() ? DestroyReason.TLS_ROTATION : DestroyReason.LIFETIME);
        return true;
    }

    private boolean passesStaticChecks(PooledConnection<Req, Resp> pc, long now) {
        if (outdated(pc, now)) {
            return false;
        }
        if (!pc.connection.isOpen() || pc.connection.isBroken() || pc.framed.hasBufferedInput()) {
            pc.retire(DestroyReason.BROKEN);
            return false;
        }
        return true;
    }

    /** One non-blocking read: nothing is the only healthy answer for an idle request/response connection. */
    private boolean probe(PooledConnection<Req, Resp> pc) {
        try {
            int n = pc.connection.readAvailable(pc.probeBuffer());
            if (n == 0) {
                return true;
            }
            pc.retire(n < 0 ? DestroyReason.STALE : DestroyReason.BROKEN);
            if (n > 0) {
                LOG.debug("connection to {} received {} unsolicited byte(s) while idle; destroying it", pc.endpoint, n);
            }
        } catch (TetherException e) {
            pc.retire(DestroyReason.STALE);
            LOG.debug("idle connection to {} failed its liveness check: {}", pc.endpoint, e.toString());
        } catch (RuntimeException e) {
            // A transport fault, not the caller's: the connection is replaced, the caller goes on.
            pc.retire(DestroyReason.BROKEN);
            LOG.warn("liveness check of the connection to {} failed unexpectedly; replacing the connection", pc.endpoint, e);
        }
        return false;
    }

    private boolean ping(PooledConnection<Req, Resp> pc) {
        try {
            Resp reply = pc.framed.exchange(ping.request(), Deadline.after(keepAliveTimeout, time.deadlineClock()));
            if (ping.isHealthyReply().test(reply) && !pc.framed.hasBufferedInput()) {
                pc.lastAliveNanos = time.nanoTime();
                return true;
            }
            LOG.warn("keep-alive ping to {} got an unexpected reply; replacing the connection", pc.endpoint);
        } catch (TetherException e) {
            LOG.info("keep-alive ping to {} failed; replacing the connection: {}", pc.endpoint, e.toString());
        } catch (RuntimeException | LinkageError | AssertionError e) {
            LOG.warn("keep-alive ping to {} failed unexpectedly; replacing the connection", pc.endpoint, e);
        }
        pc.retire(DestroyReason.KEEP_ALIVE_FAILED);
        return false;
    }
}
