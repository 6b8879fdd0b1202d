package dev.tether.pool.internal;

import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ErrorReplyException;
import dev.tether.core.ProtocolViolationException;
import dev.tether.core.RequestState;
import dev.tether.core.TetherException;
import dev.tether.pool.DestroyReason;
import dev.tether.pool.Lease;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsSessionInfo;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** A {@link Lease}: one pooled connection lent to one caller until it closes the lease. */
final class LeaseImpl<Req, Resp> implements Lease<Req, Resp> {
    /** What a lease needs from the client that lent it (the client implements it; the lease does not know it). */
    interface Owner<Req, Resp> {
        /** The response, or the error reply the codec says to throw. */
        Resp checked(Resp response) throws TetherException;

        /** A deadline {@code timeout} from now on the client's clock. */
        Deadline deadlineAfter(Duration timeout);

        /** Called once when the lease closes. */
        void leaseClosed(PooledConnection<Req, Resp> pc, DestroyReason discard, int stripe);
    }

    private final Owner<Req, Resp> client;
    private final PooledConnection<Req, Resp> pc;
    private final LeakDetector.Handle leak;
    private final Duration defaultTimeout;
    /**
     * Set by any failure that leaves the stream or the decoder's state unknown, an unchecked exception or an Error
     * (a codec's assertion, a missing class) included, as in a call: the connection is then not reused.
     */
    private boolean failed;
    private boolean discarded;
    /** Requests sent with {@link #send} whose responses were not received yet. */
    private int awaited;
    /** 1 once closed; set by compare-and-set so close() stays idempotent when two threads race to it. */
    private volatile int closed;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<LeaseImpl> CLOSED =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(LeaseImpl.class, "closed");

    /** The client's in-progress stripe this lease was admitted on (see Lifecycle#enter). */
    private final int stripe;

    LeaseImpl(Owner<Req, Resp> client, PooledConnection<Req, Resp> pc, LeakDetector.Handle leak,
              Duration defaultTimeout, int stripe) {
        this.stripe = stripe;
        this.client = client;
        this.pc = pc;
        this.leak = leak;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public Endpoint endpoint() {
        return pc.endpoint.endpoint;
    }

    @Override
    public Optional<TlsSessionInfo> tlsSession() {
        return pc.connection instanceof TlsConnection tls ? Optional.of(TlsSessionInfo.of(tls)) : Optional.empty();
    }

    @Override
    public Resp exchange(Req request, Duration timeout) throws TetherException {
        Objects.requireNonNull(request, "request");
        Deadline deadline = client.deadlineAfter(timeout);
        ensureUsable();
        try {
            return client.checked(pc.framed.exchange(request, deadline));
        } catch (TetherException e) {
            noteFailure(e);
            throw e;
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public Resp exchange(Req request) throws TetherException {
        return exchange(request, defaultTimeout);
    }

    @Override
    public void send(Req request, Duration timeout) throws TetherException {
        Objects.requireNonNull(request, "request");
        Deadline deadline = client.deadlineAfter(timeout);
        ensureUsable();
        try {
            pc.framed.send(request, deadline);
            awaited++;
        } catch (TetherException e) {
            noteFailure(e);
            throw e;
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public Resp receive(Duration timeout) throws TetherException {
        Deadline deadline = client.deadlineAfter(timeout);
        ensureUsable();
        try {
            Resp response = pc.framed.receive(deadline);
            if (awaited > 0) {
                awaited--;
            }
            return client.checked(response);
        } catch (TetherException e) {
            noteFailure(e);
            throw e;
        } catch (RuntimeException | Error e) {
            failed = true;
            throw e;
        }
    }

    private void noteFailure(TetherException e) {
        // A request the codec refused was never written, and an error reply is a whole answer; anything else
        // leaves the stream in an unknown state.
        if (!(e instanceof ProtocolViolationException && e.requestNotSent()) && !(e instanceof ErrorReplyException)) {
            failed = true;
        }
    }

    private void ensureUsable() throws ConnectionClosedException {
        if (closed != 0) {
            throw new ConnectionClosedException(ConnectionClosedException.Reason.CLOSED_LOCALLY, endpoint(),
                    RequestState.NOT_SENT, "the lease is closed", null);
        }
    }

    @Override
    public void discard() {
        discarded = true;
    }

    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        leak.close();
        // A response still owed would reach the next user of the connection as the answer to its own request.
        client.leaseClosed(pc, failed || discarded || awaited > 0 ? DestroyReason.BROKEN : null, stripe);
    }

    @Override
    public String toString() {
        return "Lease[" + pc + (closed != 0 ? ", closed" : "") + "]";
    }
}
