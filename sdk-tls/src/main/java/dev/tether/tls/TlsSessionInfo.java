package dev.tether.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a TLS handshake negotiated, for logs, diagnostics and {@code tether bench}: protocol version, cipher
 * suite, ALPN result, whether an earlier session was resumed, and the peer's certificate chain.
 *
 * @param protocol the protocol version, such as {@code TLSv1.3}
 * @param cipherSuite the cipher suite, such as {@code TLS_AES_128_GCM_SHA256}
 * @param applicationProtocol the ALPN protocol both sides agreed on, if any
 * @param resumed whether the handshake resumed an earlier session (see {@link TlsConnection#isResumed()})
 * @param peerCertificates the peer's chain, leaf first; empty when it presented none
 */
public record TlsSessionInfo(String protocol, String cipherSuite, Optional<String> applicationProtocol,
                             boolean resumed, List<X509Certificate> peerCertificates) {

    public TlsSessionInfo {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
        peerCertificates = List.copyOf(peerCertificates);
    }

    /** What {@code connection} negotiated. */
    public static TlsSessionInfo of(TlsConnection connection) {
        return new TlsSessionInfo(connection.protocol(), connection.cipherSuite(), connection.applicationProtocol(),
                connection.isResumed(), connection.peerCertificates());
    }

    /** The subject of the peer's leaf certificate, or empty when it presented none. */
    public Optional<String> peerSubject() {
        return peerCertificates.isEmpty() ? Optional.empty()
                : Optional.of(peerCertificates.get(0).getSubjectX500Principal().getName());
    }

    /** One line: {@code TLSv1.3 TLS_AES_128_GCM_SHA256 alpn=h2 resumed peer=CN=server}. */
    @Override
    public String toString() {
        return protocol + " " + cipherSuite + applicationProtocol.map(p -> " alpn=" + p).orElse("")
                + (resumed ? " resumed" : " full-handshake") + peerSubject().map(s -> " peer=" + s).orElse("");
    }
}
