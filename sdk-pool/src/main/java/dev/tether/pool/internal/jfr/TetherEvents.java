package dev.tether.pool.internal.jfr;

import dev.tether.core.Connection;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.tls.TlsConnection;

/**
 * Emits Tether's JFR events (category "Tether") so operators see connects, handshakes, acquire waits, calls and
 * closed connections in a flight recording without a metrics stack. When JFR is not recording them each event
 * ends at {@code shouldCommit()}: no field is filled and no string is built.
 */
public final class TetherEvents {
    private TetherEvents() {
    }

    /** The events a connection being opened may produce, begun together so both cover the whole open. */
    public static final class Opening {
        private final ConnectEvent connect = new ConnectEvent();
        private final TlsHandshakeEvent handshake = new TlsHandshakeEvent();

        private Opening() {
            connect.begin();
            handshake.begin();
        }

        /** Commits the events for a connection that is now open. */
        public void opened(String client, Endpoint endpoint, Connection connection) {
            connect.end();
            boolean tls = connection instanceof TlsConnection;
            if (connect.shouldCommit()) {
                connect.client = client;
                connect.endpoint = endpoint.toString();
                connect.tls = tls;
                connect.commit();
            }
            if (tls) {
                handshake.end();
                if (handshake.shouldCommit()) {
                    TlsConnection t = (TlsConnection) connection;
                    handshake.client = client;
                    handshake.endpoint = endpoint.toString();
                    handshake.protocol = t.protocol();
                    handshake.cipherSuite = t.cipherSuite();
                    handshake.applicationProtocol = t.applicationProtocol().orElse("");
                    handshake.resumed = t.isResumed();
                    handshake.peerSubject = t.peerCertificates().isEmpty() ? ""
                            : t.peerCertificates().get(0).getSubjectX500Principal().getName();
                    handshake.commit();
                }
            }
        }
    }

    /** Starts timing a connection being opened. */
    public static Opening opening() {
        return new Opening();
    }

    /** A caller got a connection after {@code waitNanos}. */
    public static void acquired(String client, Endpoint endpoint, long waitNanos, boolean reused) {
        AcquireEvent e = new AcquireEvent();
        if (e.shouldCommit()) {
            e.client = client;
            e.endpoint = endpoint.toString();
            e.waitTime = waitNanos;
            e.reused = reused;
            e.commit();
        }
    }

    /** Starts timing a call. */
    public static CallEvent beginCall() {
        CallEvent e = new CallEvent();
        e.begin();
        return e;
    }

    /**
     * Ends a call begun with {@link #beginCall()}.
     *
     * @param attempts attempts made in all
     * @param failure what the call failed with, or null when it succeeded
     */
    public static void callEnded(CallEvent e, String client, int attempts, boolean idempotent, TetherException failure) {
        e.end();
        if (e.shouldCommit()) {
            e.client = client;
            e.endpoint = failure == null || failure.endpoint() == null ? "" : failure.endpoint().toString();
            e.attempts = attempts;
            e.idempotent = idempotent;
            e.succeeded = failure == null;
            e.failure = failure == null ? "" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
            e.requestState = failure == null ? "" : failure.requestState().name();
            e.commit();
        }
    }

    /** A connection was closed for {@code reason} after {@code ageNanos}. */
    public static void destroyed(String client, Endpoint endpoint, String reason, long ageNanos) {
        ConnectionDestroyedEvent e = new ConnectionDestroyedEvent();
        if (e.shouldCommit()) {
            e.client = client;
            e.endpoint = endpoint.toString();
            e.reason = reason;
            e.age = ageNanos;
            e.commit();
        }
    }
}
