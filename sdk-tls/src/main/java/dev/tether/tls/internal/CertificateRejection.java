package dev.tether.tls.internal;

import dev.tether.core.Endpoint;
import dev.tether.tls.CertificateRevocationException;
import dev.tether.tls.CertificateValidityException;
import dev.tether.tls.RevocationStatus;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.PinMismatchException;
import dev.tether.tls.TlsHandshakeException;
import dev.tether.tls.UntrustedCertificateException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Thrown by {@link PolicyTrustManager} inside the JDK handshake; it travels as the cause of the JDK's
 * {@code SSLHandshakeException} and carries everything needed to build Tether's typed exception.
 */
final class CertificateRejection extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final transient Factory factory;

    private interface Factory {
        TlsHandshakeException create(String message, Endpoint endpoint, Throwable cause);
    }

    private CertificateRejection(String message, Throwable cause, Factory factory) {
        super(message, cause);
        this.factory = factory;
    }

    static CertificateRejection untrusted(String message, List<X509Certificate> chain, Throwable cause) {
        return new CertificateRejection(message, cause,
                (m, e, c) -> new UntrustedCertificateException(m, e, chain, c));
    }

    static CertificateRejection hostname(String message, String expected, List<String> names) {
        return new CertificateRejection(message, null,
                (m, e, c) -> new HostnameMismatchException(m, e, expected, names, c));
    }

    static CertificateRejection validity(String message, CertificateValidityException.Kind kind, Instant notBefore,
                                         Instant notAfter, Throwable cause) {
        return new CertificateRejection(message, cause,
                (m, e, c) -> new CertificateValidityException(m, e, kind, notBefore, notAfter, c));
    }

    static CertificateRejection pins(String message, Set<String> expected, List<String> actual) {
        return new CertificateRejection(message, null,
                (m, e, c) -> new PinMismatchException(m, e, expected, actual, c));
    }

    static CertificateRejection revocation(String message, RevocationStatus status) {
        return new CertificateRejection(message, null,
                (m, e, c) -> new CertificateRevocationException(m, e, status, c));
    }

    /** The typed exception, with {@code cause} (the JDK's handshake exception) attached. */
    TlsHandshakeException toException(Endpoint endpoint, Throwable cause) {
        return factory.create(getMessage() + " [" + endpoint + "]", endpoint, cause);
    }
}
