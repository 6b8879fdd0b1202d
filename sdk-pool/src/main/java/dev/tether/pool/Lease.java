package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.tls.TlsSessionInfo;
import java.time.Duration;
import java.util.Optional;

/**
 * One pooled connection held by one caller for several exchanges (a transaction, a pipeline, a subscription).
 * Close it with try-with-resources: a healthy connection goes back to the pool, one that failed is destroyed.
 * Lease methods are not retried and not balanced; the breaker only sees whether the lease could be opened.
 * A lease belongs to one thread at a time.
 *
 * @param <Req> what is sent
 * @param <Resp> what comes back
 */
public interface Lease<Req, Resp> extends AutoCloseable {

    /** The endpoint the leased connection goes to. */
    Endpoint endpoint();

    /**
     * What the leased connection's TLS handshake negotiated (protocol, cipher suite, ALPN, resumed or not, the
     * server's certificate chain); empty for a plain TCP connection.
     */
    default Optional<TlsSessionInfo> tlsSession() {
        return Optional.empty();
    }

    /** Sends {@code request} and waits for its response, within {@code timeout}. */
    Resp exchange(Req request, Duration timeout) throws TetherException;

    /** {@link #exchange(Object, Duration)} within the client's default call timeout. */
    Resp exchange(Req request) throws TetherException;

    /** Sends {@code request} without waiting for a response (for pipelining), within {@code timeout}. */
    void send(Req request, Duration timeout) throws TetherException;

    /** Waits up to {@code timeout} for the next response. */
    Resp receive(Duration timeout) throws TetherException;

    /**
     * Marks the connection unusable so closing the lease destroys it instead of returning it; for a caller
     * that left the protocol in a state the next user must not inherit.
     */
    void discard();

    /** Returns the connection to the pool (or destroys it after a failure); idempotent. */
    @Override
    void close();
}
