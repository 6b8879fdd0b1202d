package dev.tether.pool.internal;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Connection;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.commons.pool2.DestroyMode;
import org.apache.commons.pool2.KeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seam between commons-pool2 and Tether connections: it creates them through the {@link Connector} (within
 * the caller's deadline), validates them before reuse and during maintenance, and destroys them, counting each
 * destruction by reason. commons-pool2 never calls it while holding one of its locks.
 *
 * <p>Borrow-time validation is cheap by design (no round trip): TLS generation, lifetime, broken flags, and,
 * after {@link PoolSettings#validateAfterInactivity()}, one non-blocking read that finds an end of stream or
 * TLS close_notify. The application ping only runs on the maintenance thread.
 */
final class ConnectionFactory<Req, Resp> implements KeyedPooledObjectFactory<Endpoint, PooledConnection<Req, Resp>> {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionFactory.class);

    /** The deadline of the call that may cause a connect; absent for background creation. */
    private static final ThreadLocal<Deadline> CONNECT_DEADLINE = new ThreadLocal<>();
    /** Set on the maintenance thread while it runs eviction, so validation may ping. */
    private static final ThreadLocal<Boolean> MAINTENANCE = new ThreadLocal<>();
    /** Set while a thread gives a connection up through commons-pool2's invalidateObject: it must not connect. */
    private static final ThreadLocal<Boolean> NO_CONNECT = new ThreadLocal<>();

    private final Connector connector;
    private final Codec<Req, Resp> codec;
    private final KeepAlivePing<Req, Resp> ping;
    private final Map<Endpoint, EndpointPool> endpoints;
    private final Duration connectTimeout;
    private final long maxLifetimeNanos;
    private final long lifetimeJitterNanos;
    private final long validateAfterNanos;
    private final long keepAliveIntervalNanos;
    private final Duration keepAliveTimeout;
    private final Listeners listeners;
    private final Reachability reachability;
    private final Set<PooledConnection<Req, Resp>> live = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    ConnectionFactory(Connector connector, Codec<Req, Resp> codec, KeepAlivePing<Req, Resp> ping,
                      Map<Endpoint, EndpointPool> endpoints, Duration connectTimeout, PoolSettings settings,
                      Listeners listeners, Reachability reachability) {
        this.connector = connector;
        this.codec = codec;
        this.ping = ping;
        this.endpoints = endpoints;
        this.connectTimeout = connectTimeout;
        this.maxLifetimeNanos = settings.maxLifetime().toNanos();
        this.lifetimeJitterNanos = settings.maxLifetimeJitter().toNanos();
        this.validateAfterNanos = settings.validateAfterInactivity().toNanos();
        this.keepAliveIntervalNanos = settings.keepAliveInterval().toNanos();
        this.keepAliveTimeout = settings.keepAliveTimeout();
        this.listeners = listeners;
        this.reachability = reachability;
    }

    static void connectWithin(Deadline deadline) {
        CONNECT_DEADLINE.set(deadline);
    }

    static void clearConnectDeadline() {
        CONNECT_DEADLINE.remove();
    }

    /**
     * commons-pool2's invalidateObject always reuses the freed room for a borrower waiting inside it (whatever
     * setReuseCapacityOnReturn says), connecting on the invalidating thread: a caller whose call already ended,
     * bounded by the connect timeout instead of any deadline. While this is set, {@link #makeObject} refuses;
     * commons-pool2 swallows that, and the waiting borrower, which looks again every few milliseconds, connects
     * on its own thread within its own deadline.
     */
    static void refuseConnects(boolean refuse) {
        if (refuse) {
            NO_CONNECT.set(Boolean.TRUE);
        } else {
            NO_CONNECT.remove();
        }
    }

    static void enterMaintenance() {
        MAINTENANCE.set(Boolean.TRUE);
    }

    static void exitMaintenance() {
        MAINTENANCE.remove();
    }

    /** The connector's current TLS generation: connections made with an older one are retired. */
    long currentGeneration() {
        return connector.generation();
    }

    void shuttingDown() {
        shuttingDown = true;
    }

    /** Every connection created and not yet destroyed, idle or lent out. */
    Set<PooledConnection<Req, Resp>> live() {
        return live;
    }

    @Override
    public PooledObject<PooledConnection<Req, Resp>> makeObject(Endpoint endpoint) throws TetherException {
        if (NO_CONNECT.get() != null) {
            throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, endpoint,
                    "not connecting on a thread that is giving a connection up", null);
        }
        EndpointPool pool = endpoints.get(endpoint);
        if (!pool.health.admitConnect()) {
            // Unreachable, and the one reconnect attempt the backoff allows is not due or already running.
            EndpointHealth.Outage outage = pool.health.outage();
            throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, endpoint,
                    "unreachable, reconnecting with backoff", outage == null ? null : outage.lastError());
        }
        Deadline callerDeadline = CONNECT_DEADLINE.get();
        Deadline deadline = callerDeadline != null ? callerDeadline : Deadline.after(connectTimeout);
        long start = System.nanoTime();
        TetherEvents.Opening opening = TetherEvents.opening();
        Connection connection;
        try {
            connection = connector.connect(endpoint, deadline);
        } catch (TetherException e) {
            if (e.isRetryable() && (callerDeadline == null || !callerDeadline.isExpired())) {
                reachability.failed(pool, e);
            } else {
                // The caller's own deadline ran out, or the failure is not about reachability (trust, pins).
                pool.health.abandoned();
            }
            throw e;
        } catch (RuntimeException e) {
            pool.health.abandoned();
            throw e;
        } catch (Error e) {
            pool.health.abandoned();
            throw new ErrorWhileConnecting(e);
        }
        reachability.connected(pool);
        long lifetime = maxLifetimeNanos
                - (lifetimeJitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(lifetimeJitterNanos + 1));
        PooledConnection<Req, Resp> pc;
        try {
            pc = new PooledConnection<>(pool, connection, new FramedConnection<>(connection, codec), lifetime);
        } catch (RuntimeException | Error e) {
            // The codec's newDecoder failed: nobody else holds the new socket.
            connection.close();
            if (e instanceof Error error) {
                throw new ErrorWhileConnecting(error);
            }
            throw e;
        }
        live.add(pc);
        pool.created.increment();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        LOG.debug("opened connection to {} (local {}) in {}", endpoint, connection.localAddress(), took);
        listeners.connectionCreated(endpoint, took);
        if (connection instanceof TlsConnection tls) {
            pool.lastTlsSession = TlsSessionInfo.of(tls);
        }
        opening.opened(pool.clientName, endpoint, connection);
        return new DefaultPooledObject<>(pc);
    }

    /**
     * Carries an Error from making a connection (a custom Connector or Codec failing with an assertion or a
     * missing class) through commons-pool2, which only undoes its count of the connection being made when the
     * factory throws an Exception. The borrower gives its permits back and rethrows {@link #error()}.
     */
    static final class ErrorWhileConnecting extends RuntimeException {
        ErrorWhileConnecting(Error cause) {
            super(cause.toString(), cause, false, false);
        }

        Error error() {
            return (Error) getCause();
        }
    }

    @Override
    public void destroyObject(Endpoint endpoint, PooledObject<PooledConnection<Req, Resp>> p) {
        destroyObject(endpoint, p, DestroyMode.NORMAL);
    }

    @Override
    public void destroyObject(Endpoint endpoint, PooledObject<PooledConnection<Req, Resp>> p, DestroyMode mode) {
        destroy(p.getObject(), null);
    }

    /**
     * Closes {@code pc} once and counts it. Without a recorded reason, a destruction the pool decided on its
     * own is a capacity or idle clean-up, or the shutdown.
     */
    void destroy(PooledConnection<Req, Resp> pc, DestroyReason fallback) {
        if (fallback != null) {
            pc.retire(fallback);
        }
        pc.retire(shuttingDown ? DestroyReason.SHUTDOWN : DestroyReason.IDLE);
        if (!pc.markDestroyed()) {
            return;
        }
        DestroyReason reason = pc.retireReason();
        live.remove(pc);
        // The connection, not the FramedConnection: at shutdown another thread may still be reading through it.
        pc.connection.close();
        pc.endpoint.recordDestroyed(reason);
        LOG.debug("closed connection to {} (local {}): {}", pc.endpoint, pc.connection.localAddress(), reason);
        listeners.connectionDestroyed(pc.endpoint.endpoint, reason);
        TetherEvents.destroyed(pc.endpoint.clientName, pc.endpoint.endpoint, reason.name(),
                System.nanoTime() - pc.createdNanos);
    }

    @Override
    public boolean validateObject(Endpoint endpoint, PooledObject<PooledConnection<Req, Resp>> p) {
        PooledConnection<Req, Resp> pc = p.getObject();
        return MAINTENANCE.get() != null ? validateIdle(pc) : validateForReuse(pc);
    }

    /** The borrow-time check, also used for connections handed off without passing through commons-pool2. */
    boolean validateForReuse(PooledConnection<Req, Resp> pc) {
        long now = System.nanoTime();
        if (pc.madeForThisBorrow) {
            // Just connected for this caller. Material reloaded during its handshake does not make it unsound,
            // and rejecting it here would fail the borrow (commons-pool2 does not retry a fresh object that fails
            // validation). It is retired by generation as soon as it is returned.
            pc.madeForThisBorrow = false;
            return pc.connection.isOpen() && !pc.connection.isBroken();
        }
        if (!passesStaticChecks(pc, now)) {
            return false;
        }
        if (now - pc.lastUsedNanos >= validateAfterNanos || hasPendingInput(pc)) {
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
    private boolean hasPendingInput(PooledConnection<Req, Resp> pc) {
        try {
            return pc.connection.available() != 0;
        } catch (TetherException e) {
            return true;
        }
    }

    private boolean validateIdle(PooledConnection<Req, Resp> pc) {
        long now = System.nanoTime();
        if (!passesStaticChecks(pc, now) || !probe(pc)) {
            return false;
        }
        if (ping != null && keepAliveIntervalNanos > 0 && now - pc.lastAliveNanos >= keepAliveIntervalNanos) {
            return ping(pc);
        }
        return true;
    }

    private boolean passesStaticChecks(PooledConnection<Req, Resp> pc, long now) {
        if (pc.generation < connector.generation()) {
            pc.retire(DestroyReason.TLS_ROTATION);
            return false;
        }
        if (now - pc.expiresAtNanos >= 0) {
            pc.retire(DestroyReason.LIFETIME);
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
            // A transport fault, not the caller's: escaping here would strand a ready connection and its permits.
            pc.retire(DestroyReason.BROKEN);
            LOG.warn("liveness check of the connection to {} failed unexpectedly; replacing the connection", pc.endpoint, e);
        }
        return false;
    }

    private boolean ping(PooledConnection<Req, Resp> pc) {
        try {
            Resp reply = pc.framed.exchange(ping.request(), Deadline.after(keepAliveTimeout));
            if (ping.isHealthyReply().test(reply) && !pc.framed.hasBufferedInput()) {
                pc.lastAliveNanos = System.nanoTime();
                return true;
            }
            LOG.warn("keep-alive ping to {} got an unexpected reply; replacing the connection", pc.endpoint);
        } catch (TetherException e) {
            LOG.info("keep-alive ping to {} failed; replacing the connection: {}", pc.endpoint, e.toString());
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // A codec failing with an Error too: commons-pool2 would swallow it and count an IDLE clean-up.
            LOG.warn("keep-alive ping to {} failed unexpectedly; replacing the connection", pc.endpoint, e);
        }
        pc.retire(DestroyReason.KEEP_ALIVE_FAILED);
        return false;
    }

    @Override
    public void activateObject(Endpoint endpoint, PooledObject<PooledConnection<Req, Resp>> p) {
        // Nothing to prepare: a pooled connection is ready as it is.
    }

    @Override
    public void passivateObject(Endpoint endpoint, PooledObject<PooledConnection<Req, Resp>> p) {
        // The client checked the connection is clean (no buffered input) before returning it. From now on it
        // is an idle connection like any other, whatever borrow it was made for (pre-warmed ones land here too).
        p.getObject().madeForThisBorrow = false;
    }
}
