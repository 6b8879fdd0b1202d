package dev.tether.tls;

import dev.tether.core.Connection;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * A {@link Connection} secured with TLS, made by {@link TlsConnector} (client) or {@link TlsAcceptor}
 * (server). Reads and writes carry application bytes; {@code read} returns -1 once the peer sent
 * close_notify, and reports a TCP close without it as a truncation ({@code ConnectionClosedException}).
 * {@link #readAvailable} processes TLS records already received without blocking, so a pool's liveness
 * check sees a peer's close_notify on an idle connection as -1; a TCP close between records (servers often
 * drop idle connections without close_notify) also reads as -1 there, and marks the connection broken. {@link #close()} sends close_notify, bounded by
 * {@link TlsConfig#closeNotifyTimeout()}.
 *
 * <p>One reader and one writer may work at the same time; an idle connection holds no I/O buffers.
 */
public interface TlsConnection extends Connection {

    /** The negotiated session. */
    SSLSession session();

    /** The negotiated protocol version, such as {@code TLSv1.3}. */
    default String protocol() {
        return session().getProtocol();
    }

    /** The negotiated cipher suite, such as {@code TLS_AES_128_GCM_SHA256}. */
    default String cipherSuite() {
        return session().getCipherSuite();
    }

    /** The ALPN protocol both sides agreed on, if any. */
    Optional<String> applicationProtocol();

    /** The peer's certificate chain, leaf first; empty when the peer presented none. */
    List<X509Certificate> peerCertificates();

    /**
     * Whether the handshake resumed an earlier session instead of verifying the peer's certificate again.
     * Known on the client side; on the server side only with {@link ClientAuth#REQUIRED}, and false otherwise.
     */
    boolean isResumed();

    /** The generation of the TLS material this connection was made with. */
    @Override
    long generation();

    /**
     * What the revocation check of the server's certificate found in this connection's handshake; empty on
     * the server side, when {@link TlsConfig#revocation()} is OFF, or when the session was resumed (it was
     * checked when first established).
     */
    default Optional<RevocationStatus> revocationStatus() {
        return Optional.empty();
    }
}
