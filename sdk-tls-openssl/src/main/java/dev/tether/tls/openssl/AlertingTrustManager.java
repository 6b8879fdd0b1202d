package dev.tether.tls.openssl;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Tether's trust manager with its rejections tagged with an X.509 error code, so that OpenSSL sends the peer the
 * alert the JDK would (bad_certificate, certificate_expired) instead of internal_error; the original rejection
 * stays the cause, which is what Tether maps to its typed exceptions.
 */
final class AlertingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    AlertingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    private static CertificateException tagged(CertificateException e) {
        if (e instanceof OpenSslCertificateException) {
            return e;
        }
        int code = CertificateVerifier.X509_V_ERR_CERT_REJECTED;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                code = CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
                break;
            }
            if (t instanceof CertificateNotYetValidException) {
                code = CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID;
                break;
            }
        }
        return new OpenSslCertificateException(e.getMessage(), e, code);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw tagged(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw tagged(e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw tagged(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw tagged(e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw tagged(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw tagged(e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
