package dev.tether.tls.internal;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.HandshakeTimeoutException;
import dev.tether.tls.NotTlsException;
import dev.tether.tls.RevocationStatus;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsHandshakeException;
import dev.tether.tls.spi.TlsEngineFactory;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS over any {@link Connection} with an {@link SSLEngine}: the implementation behind
 * {@link TlsConnection}.
 *
 * <p>Structure: every engine call goes through {@link #unwrap} or {@link #wrap}; the handshake, read and
 * write loops are {@code while (true)} over a {@code switch} on the engine's status, so each status is
 * visibly handled, and every branch either makes progress, waits for the network, or fails.
 *
 * <p>Locking: one {@link ReentrantLock} for reading and one for writing (no {@code synchronized} around
 * I/O, so virtual threads never pin). A reader that must send handshake data (a TLS 1.3 KeyUpdate answer)
 * takes the write lock while holding the read lock; a writer never waits for the read lock, so the two
 * cannot deadlock. The handshake holds both.
 *
 * <p>Buffers: three {@link BufferHolder}s (network in, plaintext in, network out) taken from the shared
 * {@link BufferPool} when I/O starts and given back when empty, so an idle connection holds no buffer.
 * Plaintext is decrypted straight into the caller's buffer when it fits, and otherwise staged in a buffer
 * that is zeroed before it is given back; so is network-in, where the engine decrypts records in place.
 * Engines that prefer direct buffers (OpenSSL) get them from the direct pools, and their reads into a heap
 * buffer are always staged (a copy in Java instead of the engine's temporary direct buffer and copy).
 */
public final class EngineConnection implements TlsConnection {
    private static final Logger log = LoggerFactory.getLogger(EngineConnection.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** Hard cap for any buffer: twice the largest record the JDK accepts with large fragments enabled. */
    static final int MAX_BUFFER_SIZE = 2 * 33_093;
    /** TLS record content type 22: handshake. */
    private static final byte HANDSHAKE_RECORD = 22;
    /** How long a waiting writer sleeps between checks while a renegotiation is driven by the reader. */
    private static final long HANDSHAKE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Connection transport;
    private final SSLEngine engine;
    private final Endpoint endpoint;
    private final TlsConfig config;
    private final long generation;
    private final boolean clientMode;
    private final HandshakeObserver observer;
    /** Where the engine came from; it frees the engine's native resources (OpenSSL) once, on close. */
    private final TlsEngineFactory engines;
    private final AtomicBoolean engineReleased = new AtomicBoolean();
    /** Whether the engine prefers direct buffers (see {@link TlsEngineFactory#prefersDirectBuffers()}). */
    private final boolean directBuffers;

    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Signalled (under the write lock) when the reader moved a renegotiation on. */
    private final Condition handshakeProgress = writeLock.newCondition();
    private final BufferHolder netIn;
    private final BufferHolder appIn;
    private final BufferHolder netOut;

    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean handshakeComplete;
    private volatile boolean closeNotifyReceived;
    private volatile boolean outboundClosed;
    private volatile Throwable brokenBy;
    private volatile long appBytesRead;
    private volatile long appBytesWritten;
    private volatile boolean resumed;
    private volatile SSLSession session;
    /** The session's packet size, cached: JDK 17's {@code getSession()} takes the engine's lock on every call. */
    private volatile int packetSize;
    private volatile int applicationSize;
    /** A reader was told to send handshake data (NEED_WRAP) and has not sent it yet, or left it to a writer. */
    private volatile boolean handshakeWrapPending;
    /** Set by the handshake after an unwrap that consumed input but still wants more (see unwrapHandshake). */
    private boolean unwrapAgainBeforeReceive;
    /** Whether a TLS record has been seen from the peer (checked once for "is this TLS at all"). */
    private boolean firstRecordChecked;

    private EngineConnection(Connection transport, TlsEngineFactory engines, SSLEngine engine, Endpoint endpoint,
                             TlsConfig config, long generation, boolean clientMode, HandshakeObserver observer) {
        this.transport = transport;
        this.engines = engines;
        this.engine = engine;
        this.endpoint = endpoint;
        this.config = config;
        this.generation = generation;
        this.clientMode = clientMode;
        this.observer = observer;
        // Engines that work on native memory (OpenSSL) get direct buffers: no copy to and from a temporary direct
        // buffer on every wrap, unwrap and socket read or write.
        this.directBuffers = engines.prefersDirectBuffers();
        BufferPool pool = directBuffers ? BufferPool.SHARED_DIRECT : BufferPool.SHARED;
        BufferPool large = directBuffers ? BufferPool.LARGE_DIRECT : BufferPool.LARGE;
        // Network-in holds plaintext too: the JDK's engine decrypts each record in place before copying it out.
        this.netIn = new BufferHolder("network-in", pool, true, MAX_BUFFER_SIZE);
        this.appIn = new BufferHolder("plaintext-in", pool, true, MAX_BUFFER_SIZE);
        this.netOut = new BufferHolder("network-out", pool, large, false, MAX_BUFFER_SIZE);
    }

    // ------------------------------------------------------------------------------------------ creation

    /**
     * Runs a client handshake over {@code transport} and returns the secured connection. On failure the
     * transport is closed.
     */
    public static EngineConnection client(Connection transport, Endpoint endpoint, TlsConfig config,
                                          TlsMaterial material, long generation, Deadline deadline)
            throws TetherException {
        return client(transport, endpoint, config, material, generation, deadline, true);
    }

    /**
     * As {@link #client(Connection, Endpoint, TlsConfig, TlsMaterial, long, Deadline)}; with
     * {@code offerResumption} false the handshake is a full one even when the config allows resumption (for
     * servers that abort a handshake offering it, see {@link ResumptionFallback}).
     */
    public static EngineConnection client(Connection transport, Endpoint endpoint, TlsConfig config,
                                          TlsMaterial material, long generation, Deadline deadline,
                                          boolean offerResumption) throws TetherException {
        TlsEngineFactory engines = material.engines();
        SSLEngine engine = null;
        try {
            String name = endpoint.tlsName().orElse(null);
            if (name == null && config.hostnameVerification()) {
                throw new TlsHandshakeException("cannot verify the TLS server behind " + endpoint + ": the endpoint has no"
                        + " host name; give it one with Endpoint.withServerName(name), or call"
                        + " TlsConfig.Builder.insecureDisableHostnameVerification()", endpoint, null);
            }
            // Client sessions are cached by peer host and port: an engine without them never resumes.
            engine = config.sessionResumption() && offerResumption && name != null
                    ? engines.newClientEngine(name, endpoint.isUnix() ? -1 : endpoint.port())
                    : engines.newClientEngine(null, -1);
            engine.setUseClientMode(true);
            SSLParameters p = baseParameters(engine, config);
            if (material.applicationContext() && config.hostnameVerification()) {
                // The application's SSLContext has its own trust managers, without Tether's name check.
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (name != null && !IpLiterals.isIpLiteral(name)) {
                try {
                    p.setServerNames(List.of(new SNIHostName(name)));
                } catch (IllegalArgumentException e) {
                    log.debug("not sending SNI for '{}': {}", name, e.getMessage());
                    p.setServerNames(List.of());
                }
            } else {
                p.setServerNames(List.of());
            }
            engine.setSSLParameters(p);
            HandshakeObserver observer = new HandshakeObserver(config.hostnameVerification() ? name : null);
            EngineConnection c = new EngineConnection(transport, engines, engine, endpoint, config, generation, true,
                    observer);
            c.handshake(deadline);
            return c;
        } catch (TetherException | RuntimeException e) {
            transport.close();
            releaseQuietly(engines, engine);
            throw e;
        }
    }

    /** Runs a server handshake over an accepted {@code transport}. On failure the transport is closed. */
    public static EngineConnection server(Connection transport, TlsConfig config, TlsMaterial material,
                                          long generation, Deadline deadline) throws TetherException {
        TlsEngineFactory engines = material.engines();
        SSLEngine engine = null;
        try {
            if (!config.hasKeyMaterial()) {
                throw new TlsHandshakeException("a TLS server needs a certificate and private key; configure them with"
                        + " TlsConfig.Builder.keyMaterial or keyStore", transport.endpoint(), null);
            }
            engine = engines.newServerEngine();
            engine.setUseClientMode(false);
            SSLParameters p = baseParameters(engine, config);
            if (config.clientAuth() == ClientAuth.REQUIRED) {
                p.setNeedClientAuth(true);
            } else if (config.clientAuth() == ClientAuth.REQUESTED) {
                p.setWantClientAuth(true);
            }
            engine.setSSLParameters(p);
            EngineConnection c = new EngineConnection(transport, engines, engine, transport.endpoint(), config,
                    generation, false, new HandshakeObserver(null));
            c.handshake(deadline);
            return c;
        } catch (TetherException | RuntimeException e) {
            transport.close();
            releaseQuietly(engines, engine);
            throw e;
        }
    }

    /** Frees a failed handshake's engine; the connection object (if any) was never handed out. */
    private static void releaseQuietly(TlsEngineFactory engines, SSLEngine engine) {
        if (engine != null) {
            try {
                engines.release(engine);
            } catch (RuntimeException e) {
                log.debug("could not release the TLS engine: {}", e.toString());
            }
        }
    }

    private static SSLParameters baseParameters(SSLEngine engine, TlsConfig config) {
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(config.protocols().toArray(String[]::new));
        // Tether's AEAD-only defaults unless the config lists suites or allows legacy CBC (TlsConfig), kept to what
        // this engine's provider implements (BoringSSL lacks some legacy CBC suites the JDK has).
        List<String> supported = List.of(engine.getSupportedCipherSuites());
        p.setCipherSuites(config.effectiveCipherSuites().stream().filter(supported::contains).toArray(String[]::new));
        if (!config.applicationProtocols().isEmpty()) {
            p.setApplicationProtocols(config.applicationProtocols().toArray(String[]::new));
        }
        // Tether checks the server's name itself (PolicyTrustManager), with messages that say what differs.
        p.setEndpointIdentificationAlgorithm(null);
        return p;
    }

    // ----------------------------------------------------------------------------------------- handshake

    private void handshake(Deadline callerDeadline) throws TetherException {
        Duration budget = config.handshakeTimeout();
        if (callerDeadline.remaining().compareTo(budget) < 0) {
            budget = callerDeadline.remaining();
        }
        if (budget.isZero()) {
            throw new HandshakeTimeoutException("no time left for the TLS handshake with " + endpoint
                    + " (the connect deadline was used up)", endpoint, callerDeadline.budget(), null);
        }
        Deadline deadline = Deadline.after(budget);
        readLock.lock();
        writeLock.lock();
        observer.bind();
        try {
            engine.beginHandshake();
            HandshakeStatus status = engine.getHandshakeStatus();
            while (true) {
                switch (status) {
                    case NEED_WRAP -> status = wrapHandshake(deadline);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> status = unwrapHandshake(deadline);
                    case NEED_TASK -> {
                        status = runDelegatedTasks();
                        // OpenSSL's engine moves on after a task (such as checking the peer's certificate) only at the
                        // next call: ask it before waiting for a peer that may have sent everything already.
                        unwrapAgainBeforeReceive = true;
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        finishHandshake();
                        return;
                    }
                    default -> throw new IllegalStateException("unknown handshake status " + status);
                }
            }
        } catch (SSLException e) {
            sendAlertQuietly();
            TlsHandshakeException mapped = HandshakeFailures.map(e, context());
            markBroken(mapped);
            throw mapped;
        } catch (TimedOutException e) {
            HandshakeTimeoutException t = new HandshakeTimeoutException("TLS handshake with " + endpoint
                    + " did not finish within " + TimedOutException.format(budget) + " (handshake timeout "
                    + TimedOutException.format(config.handshakeTimeout()) + "): the peer accepted the connection"
                    + " but did not complete TLS; check that it speaks TLS on this port", endpoint, budget, e);
            markBroken(t);
            throw t;
        } catch (ConnectionClosedException e) {
            ConnectionClosedException c = new ConnectionClosedException(e.reason(), endpoint, RequestState.NOT_SENT,
                    "during the TLS handshake" + (firstRecordChecked ? "" : ", before the peer sent any TLS data;"
                            + " it may not speak TLS on this port or it refused the handshake"), e);
            markBroken(c);
            throw c;
        } catch (TetherException | RuntimeException e) {
            markBroken(e);
            throw e;
        } finally {
            HandshakeObserver.unbind();
            releaseIdleBuffers();
            writeLock.unlock();
            readLock.unlock();
            disposeReadBuffersIfClosed();
            disposeWriteBuffersIfClosed();
        }
    }

    private void finishHandshake() {
        session = engine.getSession();
        packetSize = session.getPacketBufferSize();
        applicationSize = session.getApplicationBufferSize();
        // A resumed session skips certificate verification, which is the one reliable sign of resumption.
        // A server only verifies (and so only notices resumption) when every client must present a certificate.
        resumed = (clientMode || config.clientAuth() == ClientAuth.REQUIRED) && !observer.peerVerified();
        handshakeComplete = true;
        if (log.isDebugEnabled()) {
            log.debug("TLS handshake with {} done: {} {}{}", endpoint, session.getProtocol(), session.getCipherSuite(),
                    resumed ? " (resumed)" : "");
        }
    }

    private HandshakeStatus wrapHandshake(Deadline deadline) throws TetherException, SSLException {
        ByteBuffer out = netOut.prepare();
        while (true) {
            SSLEngineResult r = wrap(EMPTY, out);
            switch (r.getStatus()) {
                case OK -> {
                    // Several handshake messages in a row go out in one write.
                    if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && out.remaining() > 0
                            && r.bytesProduced() > 0) {
                        continue;
                    }
                    flush(deadline);
                    return r.getHandshakeStatus();
                }
                case BUFFER_OVERFLOW -> {
                    if (out.position() > 0) {
                        flush(deadline);
                    } else {
                        out = netOut.enlarge(engine.getSession().getPacketBufferSize(), endpoint);
                    }
                }
                case CLOSED -> {
                    flush(deadline);
                    throw new TlsHandshakeException("the TLS engine closed during the handshake with " + endpoint,
                            endpoint, null);
                }
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow: " + r);
                default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
            }
        }
    }

    private HandshakeStatus unwrapHandshake(Deadline deadline) throws TetherException, SSLException {
        while (true) {
            if (netIn.isEmpty() && !unwrapAgainBeforeReceive) {
                receive(deadline, true, true);
            }
            unwrapAgainBeforeReceive = false;
            SSLEngineResult r = unwrap(appIn.prepare());
            switch (r.getStatus()) {
                case OK -> {
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                        // Nothing usable buffered: wait for the network instead of asking again.
                        receive(deadline, true, true);
                        continue;
                    }
                    // OpenSSL's engine takes a record in and only moves its handshake on at the next call: ask once
                    // more, with nothing new, before waiting for a peer that may have nothing more to send.
                    unwrapAgainBeforeReceive = r.bytesConsumed() > 0
                            && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP;
                    return r.getHandshakeStatus();
                }
                case BUFFER_UNDERFLOW -> {
                    HandshakeStatus hs = r.getHandshakeStatus();
                    if (hs != HandshakeStatus.NEED_UNWRAP && hs != HandshakeStatus.NEED_UNWRAP_AGAIN) {
                        // The asking-again above finished the handshake (or needs to send): nothing to wait for.
                        return hs;
                    }
                    receive(deadline, true, true);
                }
                case BUFFER_OVERFLOW -> appIn.enlarge(engine.getSession().getApplicationBufferSize(), endpoint);
                case CLOSED -> throw new TlsHandshakeException("the " + (clientMode ? "server" : "client") + " at "
                        + endpoint + " closed the TLS connection during the handshake", endpoint, null);
                default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
            }
        }
    }

    /**
     * Runs the engine's delegated tasks on this thread. Certificate checks run inside them, also during a
     * renegotiation that a read or write drives, so the observer (expected server name) is bound around them.
     */
    private HandshakeStatus runDelegatedTasks() {
        boolean bind = HandshakeObserver.current() != observer;
        if (bind) {
            observer.bind();
        }
        try {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        } finally {
            if (bind) {
                HandshakeObserver.unbind();
            }
        }
        return engine.getHandshakeStatus();
    }

    /** After a failed handshake, the engine may hold an alert for the peer; sending it helps the peer's logs. */
    private void sendAlertQuietly() {
        try {
            ByteBuffer out = netOut.prepare();
            try {
                engine.wrap(EMPTY, out);
            } catch (SSLException e) {
                // OpenSSL's engine may have produced the alert (now in network-out) before throwing again.
                log.debug("TLS engine failed again while producing the alert for {}: {}", endpoint, e.getMessage());
            }
            if (out.position() > 0) {
                flush(Deadline.after(config.closeNotifyTimeout()));
            }
        } catch (TetherException | RuntimeException e) {
            log.debug("could not send the TLS alert to {}: {}", endpoint, e.getMessage());
        }
    }

    private HandshakeFailures.Context context() {
        return new HandshakeFailures.Context(endpoint, clientMode, config, observer);
    }

    // ---------------------------------------------------------------------------------------------- read

    @Override
    public int read(ByteBuffer dst, Deadline deadline) throws TetherException {
        return read(dst, deadline, true);
    }

    /** Reads with the transport's configured read timeout for each wait on the network. */
    @Override
    public int read(ByteBuffer dst) throws TetherException {
        return read(dst, null, true);
    }

    @Override
    public int readAvailable(ByteBuffer dst) throws TetherException {
        return read(dst, null, false);
    }

    /**
     * Decrypted or still-encrypted bytes held here, else the transport's count. A reader in progress means the
     * connection is not idle, so nothing is reported rather than waiting for it.
     */
    @Override
    public int available() throws TetherException {
        if (!readLock.tryLock()) {
            return 0;
        }
        try {
            ensureUsable(RequestState.NOT_SENT);
            if (closeNotifyReceived || !appIn.isEmpty() || !netIn.isEmpty()) {
                return 1;
            }
            return transport.available();
        } finally {
            readLock.unlock();
        }
    }

    private int read(ByteBuffer dst, Deadline deadline, boolean blocking) throws TetherException {
        readLock.lock();
        try {
            ensureUsable(RequestState.MAY_HAVE_BEEN_SENT);
            if (!dst.hasRemaining()) {
                return 0;
            }
            return readLoop(dst, deadline, blocking);
        } catch (SSLException e) {
            throw readFailure(e);
        } catch (TetherException | RuntimeException e) {
            markBroken(e);
            throw e;
        } finally {
            netIn.releaseIfEmpty();
            appIn.releaseIfEmpty();
            readLock.unlock();
            disposeReadBuffersIfClosed();
        }
    }

    private int readLoop(ByteBuffer dst, Deadline deadline, boolean blocking) throws TetherException, SSLException {
        int produced = 0;
        // An engine that prefers direct buffers copies into a temporary one when handed a heap buffer; decrypting
        // into the (direct) staging buffer and copying from there is cheaper.
        boolean stageFirst = directBuffers && !dst.isDirect();
        boolean stageInAppIn = stageFirst;
        while (true) {
            if (!appIn.isEmpty()) {
                int n = appIn.transferTo(dst);
                produced += n;
                appBytesRead += n;
                if (!dst.hasRemaining() || !appIn.isEmpty() || netIn.isEmpty()) {
                    return produced;
                }
            }
            if (closeNotifyReceived) {
                return produced > 0 ? produced : -1;
            }
            if (!netIn.isEmpty()) {
                if (!stageInAppIn && dst.remaining() < nextRecordLength()) {
                    // The engine would answer BUFFER_OVERFLOW; stage at once instead of asking it first.
                    stageInAppIn = true;
                }
                refuseClientRenegotiation();
                ByteBuffer target = stageInAppIn ? appIn.prepare() : dst;
                SSLEngineResult r = unwrap(target);
                if (target == dst) {
                    produced += r.bytesProduced();
                    appBytesRead += r.bytesProduced();
                } else {
                    appIn.markWritten();
                }
                switch (r.getStatus()) {
                    case OK -> {
                        stageInAppIn = stageFirst;
                        afterReadProgress(r.getHandshakeStatus(), deadline, blocking);
                        if (produced > 0 && (!dst.hasRemaining() || netIn.isEmpty())) {
                            return produced;
                        }
                        continue;
                    }
                    case BUFFER_OVERFLOW -> {
                        if (produced > 0) {
                            return produced;
                        }
                        if (stageInAppIn) {
                            appIn.enlarge(engine.getSession().getApplicationBufferSize(), endpoint);
                        }
                        stageInAppIn = true;
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> {
                        if (produced > 0) {
                            return produced;
                        }
                        // fall out of the switch: more bytes from the network are needed
                    }
                    case CLOSED -> {
                        closeNotifyReceived = true;
                        log.debug("close_notify received from {}", endpoint);
                        return produced > 0 ? produced : -1;
                    }
                    default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
                }
            }
            int n = receive(deadline, blocking, false);
            if (n == 0) {
                return produced;
            }
            if (n < 0) {
                return produced > 0 ? produced : -1;
            }
        }
    }

    /**
     * A server never renegotiates TLS 1.2 at a client's request: each renegotiation costs the server a full
     * handshake, so one client could keep it busy on one connection. The next record's type is in clear text;
     * a handshake record after the handshake on TLS 1.2 is a client's ClientHello (this server never sends
     * HelloRequest, and TLS 1.3 hides record types and has no renegotiation). The engine never sees it: the
     * connection sends close_notify, closes, and fails the read.
     */
    private void refuseClientRenegotiation() throws TetherException {
        ByteBuffer in = netIn.buffer();
        if (clientMode || !handshakeComplete || in == null || in.position() < 1 || in.get(0) != HANDSHAKE_RECORD
                || session == null || !"TLSv1.2".equals(session.getProtocol())) {
            return;
        }
        ClientRenegotiation.refused(endpoint);
        close();
        throw new TlsHandshakeException("the client at " + endpoint + " tried to renegotiate TLS 1.2; this server"
                + " refuses client-initiated renegotiation (it would let one client make the server run handshake"
                + " after handshake) and closed the connection", endpoint, null);
    }

    /**
     * The length of the next buffered record's payload (an upper bound of its plaintext), or 0 while its header
     * is incomplete.
     */
    private int nextRecordLength() {
        ByteBuffer in = netIn.buffer();
        if (in == null || in.position() < 5) {
            return 0;
        }
        return ((in.get(3) & 0xff) << 8) | (in.get(4) & 0xff);
    }

    /** Handles what the engine asks for after a record was read: tasks, or handshake data to send. */
    private void afterReadProgress(HandshakeStatus status, Deadline deadline, boolean blocking)
            throws TetherException, SSLException {
        HandshakeStatus s = status;
        while (true) {
            switch (s) {
                case NEED_TASK -> s = runDelegatedTasks();
                case NEED_WRAP -> {
                    sendHandshakeFromReader(deadline, blocking);
                    return;
                }
                case FINISHED -> {
                    // A renegotiation the reader drove has ended: wake a writer waiting for it.
                    session = engine.getSession();
                    packetSize = session.getPacketBufferSize();
                    applicationSize = session.getApplicationBufferSize();
                    signalHandshakeProgress();
                    return;
                }
                case NOT_HANDSHAKING, NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    return;
                }
                default -> throw new IllegalStateException("unknown handshake status " + s);
            }
        }
    }

    /**
     * Sends handshake data the reader caused, such as the answer to a TLS 1.3 KeyUpdate. If a writer holds
     * the write lock, its next wrap sends the data first, or it sends it on its way out (see
     * {@link #sendHandshakeLeftByReader}), so it is left to the writer. The reader never waits for the write
     * lock: a writer blocked on a full socket may only get going again once this reader drains the socket
     * (a peer that echoes stops reading while its own writes are stuck), so waiting would stall both.
     */
    private void sendHandshakeFromReader(Deadline deadline, boolean blocking) throws TetherException, SSLException {
        // Set before trying the lock, for the writer holding it (see sendHandshakeLeftByReader).
        handshakeWrapPending = true;
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            Deadline sendBy = deadline != null && blocking ? deadline : Deadline.after(config.closeNotifyTimeout());
            ByteBuffer out = netOut.prepare();
            // The unwrap that got here said NEED_WRAP; OpenSSL's engine may already report NOT_HANDSHAKING while its
            // answer (a renegotiation's ClientHello) waits to be wrapped, so the first wrap does not ask.
            boolean wrapNeeded = handshakeWrapPending;
            handshakeWrapPending = false;
            while (wrapNeeded || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapNeeded = false;
                SSLEngineResult r = wrap(EMPTY, out);
                switch (r.getStatus()) {
                    case OK -> {
                        flush(sendBy);
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            runDelegatedTasks();
                        }
                        wrapNeeded = r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP && r.bytesProduced() > 0;
                    }
                    case BUFFER_OVERFLOW -> {
                        if (out.position() > 0) {
                            flush(sendBy);
                        } else {
                            out = netOut.enlarge(engine.getSession().getPacketBufferSize(), endpoint);
                        }
                    }
                    case CLOSED -> {
                        flush(sendBy);
                        return;
                    }
                    case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow: " + r);
                    default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
                }
            }
            handshakeProgress.signalAll();
        } finally {
            netOut.releaseIfEmpty();
            writeLock.unlock();
            disposeWriteBuffersIfClosed();
        }
    }

    private void signalHandshakeProgress() {
        if (writeLock.tryLock()) {
            try {
                handshakeProgress.signalAll();
            } finally {
                writeLock.unlock();
            }
        }
    }

    private TetherException readFailure(SSLException e) {
        if (clientMode && appBytesRead == 0) {
            // TLS 1.3 servers check client certificates after the client has finished its handshake.
            TlsHandshakeException cert = HandshakeFailures.clientCertificateFailureAfterHandshake(e, context());
            if (cert != null) {
                markBroken(cert);
                return cert;
            }
        }
        ProtocolViolationException p = new ProtocolViolationException("TLS failure reading from " + endpoint + ": "
                + e.getMessage(), endpoint, appBytesWritten > 0 ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT, e);
        markBroken(p);
        return p;
    }

    // --------------------------------------------------------------------------------------------- write

    @Override
    public void write(ByteBuffer src, Deadline deadline) throws TetherException {
        doWrite(src, deadline);
    }

    /** Writes with the transport's configured write timeout for each wait on the network. */
    @Override
    public void write(ByteBuffer src) throws TetherException {
        doWrite(src, null);
    }

    private void doWrite(ByteBuffer src, Deadline deadline) throws TetherException {
        writeLock.lock();
        boolean sent = false;
        try {
            ensureUsable(RequestState.NOT_SENT);
            if (outboundClosed) {
                throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint,
                        RequestState.NOT_SENT, "output was shut down (close_notify sent)", null);
            }
            int recordSize = packetSize;
            // Several records per socket write for large payloads: fewer system calls for bulk transfers.
            ByteBuffer out = src.remaining() > applicationSize ? netOut.prepareLarge() : netOut.prepare();
            while (src.hasRemaining()) {
                SSLEngineResult r = wrap(src, out);
                appBytesWritten += r.bytesConsumed();
                switch (r.getStatus()) {
                    case OK -> {
                        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                            runDelegatedTasks();
                        }
                        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                                && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                            sent |= flushTracking(deadline, sent);
                            try {
                                awaitRenegotiation(deadline);
                            } catch (TimedOutException | ConnectionClosedException e) {
                                throw sent ? partlySent(e) : e;
                            }
                            out = netOut.prepare();
                        }
                    }
                    case BUFFER_OVERFLOW -> {
                        if (out.position() > 0) {
                            sent |= flushTracking(deadline, sent);
                        } else {
                            recordSize = engine.getSession().getPacketBufferSize();
                            out = netOut.enlarge(recordSize, endpoint);
                        }
                    }
                    // OpenSSL's engine closes its output as soon as the peer's close_notify is in (no writing after
                    // a half-close, unlike the JDK's), and may answer CLOSED having produced its reply, or having
                    // taken the last bytes: what it produced goes out, and the write fails only if data is left.
                    case CLOSED -> {
                        if (src.hasRemaining() || r.bytesConsumed() == 0) {
                            boolean flushed = false;
                            try {
                                flushed = flushTracking(deadline, sent);
                            } catch (TetherException e) {
                                log.debug("could not send the TLS engine's last bytes to {}: {}", endpoint, e.getMessage());
                            }
                            throw closedForWriting(sent || (flushed && r.bytesConsumed() > 0));
                        }
                    }
                    case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow: " + r);
                    default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
                }
                if (out.position() > 0 && (!src.hasRemaining() || out.remaining() < recordSize)) {
                    sent |= flushTracking(deadline, sent);
                }
            }
            flushTracking(deadline, sent);
        } catch (SSLException e) {
            ProtocolViolationException p = new ProtocolViolationException("TLS failure writing to " + endpoint + ": "
                    + e.getMessage(), endpoint, sent ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT, e);
            markBroken(p);
            throw p;
        } catch (TetherException | RuntimeException e) {
            markBroken(e);
            throw e;
        } finally {
            netOut.releaseIfEmpty();
            writeLock.unlock();
            disposeWriteBuffersIfClosed();
        }
        sendHandshakeLeftByReader();
    }

    private ConnectionClosedException closedForWriting(boolean sent) {
        return new ConnectionClosedException(closeNotifyReceived
                ? ConnectionClosedException.Reason.EOF : ConnectionClosedException.Reason.CLOSED_LOCALLY,
                endpoint, sent ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT,
                closeNotifyReceived ? "the peer closed the TLS session (close_notify)"
                        : "the TLS session is closed for writing", null);
    }

    /**
     * After a write: a reader that found the write lock taken left its handshake data (a KeyUpdate answer, a
     * renegotiation message) to this writer. It set the engine's status before trying the lock, and the lock
     * was held until this writer unlocked, so checking here, after unlocking, cannot miss it. The write itself
     * succeeded, so a failure here does not fail it: the connection is marked broken and the next call says why.
     */
    private void sendHandshakeLeftByReader() {
        if (!handshakeComplete || brokenBy != null || closed.get()
                || !(handshakeWrapPending || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP)) {
            return;
        }
        try {
            sendHandshakeFromReader(null, false);
        } catch (SSLException | TetherException | RuntimeException e) {
            log.debug("could not send pending TLS handshake data to {}: {}", endpoint, e.getMessage());
            markBroken(e);
        }
    }

    /**
     * Flushes network-out; once application bytes have left, a later failure must say the request may have
     * been sent even if the transport's own state says otherwise (it only knows about this one buffer).
     */
    private boolean flushTracking(Deadline deadline, boolean alreadySent) throws TetherException {
        if (netOut.isEmpty()) {
            return false;
        }
        try {
            flush(deadline);
            return true;
        } catch (TimedOutException e) {
            if (alreadySent && e.requestNotSent()) {
                throw new TimedOutException(TimedOutException.Phase.WRITE, endpoint, e.timeout(),
                        RequestState.MAY_HAVE_BEEN_SENT, e);
            }
            throw e;
        } catch (ConnectionClosedException e) {
            if (alreadySent && e.requestNotSent()) {
                throw new ConnectionClosedException(e.reason(), endpoint, RequestState.MAY_HAVE_BEEN_SENT,
                        "after part of the request was sent", e);
            }
            throw e;
        }
    }

    /**
     * A failure of a write that had already flushed part of the request: whatever the failing step says, the
     * request may have reached the server, and a caller must not retry it as if it had not.
     */
    private TetherException partlySent(TetherException e) {
        if (!e.requestNotSent()) {
            return e;
        }
        if (e instanceof TimedOutException t) {
            return new TimedOutException(t.phase(), endpoint, t.timeout(), RequestState.MAY_HAVE_BEEN_SENT, e);
        }
        ConnectionClosedException c = (ConnectionClosedException) e;
        return new ConnectionClosedException(c.reason(), endpoint, RequestState.MAY_HAVE_BEEN_SENT,
                "after part of the request was sent", e);
    }

    /**
     * A TLS 1.2 renegotiation needs the peer's messages before more data can be wrapped. The writer reads
     * them itself when no reader is active; otherwise it waits (releasing the write lock, which the reader
     * may need to answer) until the reader has moved the handshake on.
     */
    private void awaitRenegotiation(Deadline deadline) throws TetherException, SSLException {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            if (readLock.tryLock()) {
                try {
                    Deadline d = deadline == null ? Deadline.after(config.handshakeTimeout()) : deadline;
                    if (netIn.isEmpty()) {
                        receive(d, true, false);
                    }
                    SSLEngineResult r = unwrap(appIn.prepare());
                    appIn.markWritten();
                    switch (r.getStatus()) {
                        case OK -> {
                            HandshakeStatus s = r.getHandshakeStatus();
                            while (s == HandshakeStatus.NEED_TASK) {
                                s = runDelegatedTasks();
                            }
                        }
                        case BUFFER_UNDERFLOW -> receive(d, true, false);
                        case BUFFER_OVERFLOW -> appIn.enlarge(engine.getSession().getApplicationBufferSize(), endpoint);
                        case CLOSED -> closeNotifyReceived = true;
                        default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
                    }
                    if (closeNotifyReceived) {
                        return;
                    }
                } finally {
                    netIn.releaseIfEmpty();
                    appIn.releaseIfEmpty();
                    readLock.unlock();
                    disposeReadBuffersIfClosed();
                }
            } else {
                long left = deadline == null ? HANDSHAKE_POLL_NANOS : deadline.remainingNanos();
                if (left <= 0) {
                    throw new TimedOutException(TimedOutException.Phase.WRITE, endpoint, deadline.budget(),
                            RequestState.NOT_SENT, null);
                }
                try {
                    handshakeProgress.awaitNanos(Math.min(left, HANDSHAKE_POLL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint,
                            RequestState.NOT_SENT, "interrupted while waiting for a TLS renegotiation", e);
                }
            }
        }
    }

    // ----------------------------------------------------------------------------- engine and network I/O

    /** The one place that unwraps: network-in (write mode) to {@code dst}. */
    private SSLEngineResult unwrap(ByteBuffer dst) throws SSLException {
        ByteBuffer src = netIn.prepare();
        // The records about to be decrypted in place: zeroed when this buffer goes back to the pool.
        netIn.markWritten();
        src.flip();
        try {
            SSLEngineResult r = engine.unwrap(src, dst);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED && !engine.isInboundDone()) {
                // OpenSSL's engine answers CLOSED once this side has sent close_notify, although the peer's side is
                // still open (a half-close): report what happened to the input instead.
                r = new SSLEngineResult(r.bytesConsumed() == 0 && r.bytesProduced() == 0
                        ? SSLEngineResult.Status.BUFFER_UNDERFLOW : SSLEngineResult.Status.OK,
                        r.getHandshakeStatus(), r.bytesConsumed(), r.bytesProduced());
            }
            return r;
        } finally {
            src.compact();
        }
    }

    /** The one place that wraps: {@code src} to network-out. */
    private SSLEngineResult wrap(ByteBuffer src, ByteBuffer out) throws SSLException {
        return engine.wrap(src, out);
    }

    /** Writes everything in network-out to the transport. */
    private void flush(Deadline deadline) throws TetherException {
        ByteBuffer out = netOut.buffer();
        if (out == null || out.position() == 0) {
            return;
        }
        out.flip();
        try {
            if (deadline == null) {
                transport.write(out);
            } else {
                transport.write(out, deadline);
            }
        } finally {
            out.compact();
        }
    }

    /**
     * Reads more network bytes into network-in, growing it if a record does not fit.
     *
     * @return bytes read; 0 only when not blocking and nothing was available
     */
    private int receive(Deadline deadline, boolean blocking, boolean handshaking) throws TetherException {
        ByteBuffer in = netIn.prepare();
        if (!in.hasRemaining()) {
            in = netIn.enlarge(engine.getSession().getPacketBufferSize(), endpoint);
        }
        int n;
        if (!blocking) {
            n = transport.readAvailable(in);
        } else if (deadline == null) {
            n = transport.read(in);
        } else {
            n = transport.read(in, deadline);
        }
        if (n < 0) {
            if (handshaking || !handshakeComplete) {
                throw peerClosedDuringHandshake();
            }
            ConnectionClosedException truncation = truncated();
            if (!blocking && netIn.isEmpty()) {
                // An idle check (readAvailable) between records: the peer hung up on an idle connection, which many
                // servers do without close_notify. Report end of stream; the connection is broken, so any later
                // read reports the truncation.
                return -1;
            }
            throw truncation;
        }
        if (!firstRecordChecked && n > 0) {
            checkLooksLikeTls();
        }
        return n;
    }

    /** Fails fast, with the bytes shown, when the peer answers with something that is not a TLS record. */
    private void checkLooksLikeTls() throws TetherException {
        ByteBuffer in = netIn.buffer();
        int available = in.position();
        byte[] head = new byte[Math.min(available, 5)];
        for (int i = 0; i < head.length; i++) {
            head[i] = in.get(i);
        }
        int type = head[0] & 0xff;
        if (clientMode && type == 22 && available >= 6 && in.get(5) == 1) {
            // A ClientHello came back: a plain echo or relay on this port, not a TLS server. Checked here so that
            // every provider reports it the same way (the engines' own messages differ).
            throw new NotTlsException("the server at " + endpoint + " does not speak TLS: it sent our own TLS"
                    + " ClientHello back, as a plaintext echo or relay does; check the port, or connect without TLS",
                    endpoint, null);
        }
        boolean sslv2Hello = !clientMode && (type & 0x80) != 0;
        boolean plausible = sslv2Hello
                || (type >= 20 && type <= 24 && (head.length < 2 || head[1] == 3));
        if (plausible) {
            // A handshake record to a client is checked once its message type (byte 6) is in, for the echo case above.
            if (available >= (clientMode && type == 22 ? 6 : 3) || sslv2Hello) {
                firstRecordChecked = true;
            }
            return;
        }
        // Collect a little more of what the peer said, without waiting, to show it.
        try {
            if (in.hasRemaining() && in.position() < 64) {
                transport.readAvailable(in);
            }
        } catch (TetherException e) {
            log.debug("no more bytes from {} for the not-TLS message: {}", endpoint, e.getMessage());
        }
        int shown = Math.min(in.position(), 64);
        byte[] sample = new byte[shown];
        for (int i = 0; i < shown; i++) {
            sample[i] = in.get(i);
        }
        throw new NotTlsException("the " + (clientMode ? "server" : "client") + " at " + endpoint
                + " does not speak TLS: it sent " + printable(sample) + " (hex " + hex(sample, 16)
                + ") instead of a TLS record; check the port, or connect without TLS if the service is plaintext",
                endpoint, null);
    }

    private static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder("'");
        for (byte b : new String(bytes, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1)) {
            int c = b & 0xff;
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append('.');
            }
        }
        return sb.append('\'').toString();
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length > max ? sb.append(" ...").toString() : sb.toString();
    }

    private TetherException peerClosedDuringHandshake() {
        return new ConnectionClosedException(ConnectionClosedException.Reason.EOF, endpoint, RequestState.NOT_SENT,
                "the " + (clientMode ? "server" : "client") + " closed the connection during the TLS handshake"
                        + (firstRecordChecked ? "" : " before sending any TLS data; it may not speak TLS on this"
                        + " port, or it refused the handshake"), null);
    }

    private ConnectionClosedException truncated() {
        ConnectionClosedException e = new ConnectionClosedException(ConnectionClosedException.Reason.EOF, endpoint,
                appBytesWritten > 0 ? RequestState.MAY_HAVE_BEEN_SENT : RequestState.NOT_SENT,
                "TLS stream truncated: the peer closed TCP without sending close_notify, so data may have been cut"
                        + " short", null);
        markBroken(e);
        return e;
    }

    // ----------------------------------------------------------------------------------------- lifecycle

    private void ensureUsable(RequestState state) throws TetherException {
        if (closed.get()) {
            throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint, state,
                    "the TLS connection is closed", null);
        }
        Throwable broken = brokenBy;
        if (broken != null) {
            throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint, state,
                    "the TLS connection is unusable after an earlier failure: " + broken.getMessage(), broken);
        }
    }

    /** Sends close_notify, then half-closes TCP; reads stay possible. */
    @Override
    public void shutdownOutput() throws TetherException {
        writeLock.lock();
        try {
            ensureUsable(RequestState.MAY_HAVE_BEEN_SENT);
            if (!outboundClosed) {
                sendCloseNotify(Deadline.after(config.closeNotifyTimeout()));
            }
            transport.shutdownOutput();
        } catch (SSLException e) {
            ProtocolViolationException p = new ProtocolViolationException("TLS failure sending close_notify to "
                    + endpoint + ": " + e.getMessage(), endpoint, RequestState.MAY_HAVE_BEEN_SENT, e);
            markBroken(p);
            throw p;
        } finally {
            netOut.releaseIfEmpty();
            writeLock.unlock();
            disposeWriteBuffersIfClosed();
        }
    }

    /** Produces and sends close_notify; the caller holds the write lock. */
    private void sendCloseNotify(Deadline deadline) throws TetherException, SSLException {
        engine.closeOutbound();
        outboundClosed = true;
        ByteBuffer out = netOut.prepare();
        while (true) {
            SSLEngineResult r = wrap(EMPTY, out);
            switch (r.getStatus()) {
                case OK, CLOSED -> {
                    flush(deadline);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.bytesProduced() == 0) {
                        return;
                    }
                }
                case BUFFER_OVERFLOW -> {
                    if (out.position() > 0) {
                        flush(deadline);
                    } else {
                        out = netOut.enlarge(engine.getSession().getPacketBufferSize(), endpoint);
                    }
                }
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow: " + r);
                default -> throw new IllegalStateException("unknown engine status " + r.getStatus());
            }
        }
    }

    /**
     * Sends close_notify (waiting at most the close-notify timeout, also for a writer still busy) and closes
     * the transport. Never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (handshakeComplete && brokenBy == null && !outboundClosed && transport.isOpen()) {
                Duration timeout = config.closeNotifyTimeout();
                // One deadline for waiting on a writer and sending close_notify: close() is bounded by one timeout.
                Deadline deadline = Deadline.after(timeout);
                boolean locked = false;
                try {
                    locked = writeLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    if (locked) {
                        sendCloseNotify(deadline);
                    } else {
                        log.debug("close_notify not sent to {}: a write was still in progress after {}", endpoint,
                                TimedOutException.format(timeout));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    log.debug("close_notify not sent to {}: interrupted", endpoint);
                } catch (SSLException | TetherException | RuntimeException e) {
                    log.debug("close_notify not sent to {}: {}", endpoint, e.getMessage());
                } finally {
                    if (locked) {
                        netOut.dispose();
                        writeLock.unlock();
                    }
                }
            }
        } finally {
            transport.close();
            // A reader or writer still inside sees closed once it unlocks and disposes its buffers itself.
            disposeReadBuffersIfClosed();
            disposeWriteBuffersIfClosed();
            releaseEngine();
        }
    }

    /**
     * Frees the engine's native resources (OpenSSL) once. A reader or writer still inside an engine call is safe:
     * the OpenSSL engine serialises its calls and answers CLOSED once freed.
     */
    private void releaseEngine() {
        if (engineReleased.compareAndSet(false, true)) {
            releaseQuietly(engines, engine);
        }
    }

    /**
     * Disposes (zeroes and gives back) the read buffers of a closed connection unless a reader holds them. Both
     * close() and a leaving reader call it after their own step (setting closed, unlocking), so whichever comes
     * second finds the lock free and closed set: the buffers are never left behind holding plaintext.
     */
    private void disposeReadBuffersIfClosed() {
        if (closed.get() && readLock.tryLock()) {
            try {
                // Held further out on this thread (a nested section): the outermost one disposes on its way out.
                if (readLock.getHoldCount() == 1) {
                    netIn.dispose();
                    appIn.dispose();
                }
            } finally {
                readLock.unlock();
            }
        }
    }

    /** As {@link #disposeReadBuffersIfClosed()}, for the write side. */
    private void disposeWriteBuffersIfClosed() {
        if (closed.get() && writeLock.tryLock()) {
            try {
                if (writeLock.getHoldCount() == 1) {
                    netOut.dispose();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void releaseIdleBuffers() {
        netIn.releaseIfEmpty();
        appIn.releaseIfEmpty();
        netOut.releaseIfEmpty();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && brokenBy == null && transport.isOpen();
    }

    @Override
    public boolean isBroken() {
        return brokenBy != null || transport.isBroken();
    }

    @Override
    public void markBroken(Throwable reason) {
        if (brokenBy == null) {
            brokenBy = reason == null ? new IllegalStateException("marked broken") : reason;
        }
        transport.markBroken(reason);
    }

    // ------------------------------------------------------------------------------------------ accessors

    @Override
    public Optional<RevocationStatus> revocationStatus() {
        return Optional.ofNullable(observer.revocationStatus());
    }

    @Override
    public SSLSession session() {
        SSLSession s = session;
        return s != null ? s : engine.getSession();
    }

    @Override
    public Optional<String> applicationProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    @Override
    public boolean isResumed() {
        return resumed;
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public Instant createdAt() {
        return transport.createdAt();
    }

    @Override
    public long createdAtNanos() {
        return transport.createdAtNanos();
    }

    @Override
    public long bytesRead() {
        return appBytesRead;
    }

    @Override
    public long bytesWritten() {
        return appBytesWritten;
    }

    /** Bytes of I/O buffers this connection holds right now; zero when idle. For tests and diagnostics. */
    int heldBufferBytes() {
        return netIn.capacity() + appIn.capacity() + netOut.capacity();
    }

    /** The plain connection underneath, for diagnostics. */
    public Connection transport() {
        return transport;
    }

    @Override
    public String toString() {
        SSLSession s = session;
        return "TlsConnection[" + endpoint + (s == null ? ", handshaking" : ", " + s.getProtocol() + " " + s.getCipherSuite())
                + (isOpen() ? "" : ", closed") + "]";
    }
}
