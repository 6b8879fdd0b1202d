package dev.tether.tls;

import dev.tether.core.Endpoint;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The peer's certificate chain does not lead to any certificate authority the configured trust accepts (a
 * self-signed certificate, a private CA that is not configured, a missing intermediate). The message names
 * the chain's issuer and the trust that was configured.
 */
public final class UntrustedCertificateException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    private final transient List<X509Certificate> chain;

    public UntrustedCertificateException(String message, Endpoint endpoint, List<X509Certificate> chain,
                                         Throwable cause) {
        super(message, endpoint, cause);
        this.chain = List.copyOf(chain);
    }

    /** The chain the peer presented, leaf first. */
    public List<X509Certificate> chain() {
        return chain == null ? List.of() : chain;
    }
}
