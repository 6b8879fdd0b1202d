package dev.tether.tls.internal;

import dev.tether.core.Endpoint;
import dev.tether.tls.ClientCertificateException;
import dev.tether.tls.NoCommonProtocolException;
import dev.tether.tls.NotTlsException;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsHandshakeException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Turns the JDK's handshake exceptions into Tether's typed ones with messages that say what to change. */
final class HandshakeFailures {
    private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
    /** OpenSSL (BoringSSL) names a received alert by its reason code, e.g. {@code TLSV1_ALERT_PROTOCOL_VERSION}. */
    private static final Pattern OPENSSL_ALERT = Pattern.compile("(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)");

    private HandshakeFailures() {
    }

    /** What the mapping needs to know about the connection. */
    record Context(Endpoint endpoint, boolean clientMode, TlsConfig config, HandshakeObserver observer) {
    }

    static TlsHandshakeException map(SSLException e, Context c) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateRejection r) {
                return r.toException(c.endpoint(), e);
            }
        }
        String msg = String.valueOf(e.getMessage());
        String peer = c.clientMode() ? "server" : "client";
        String alert = receivedAlert(msg);
        if (alert != null) {
            TlsHandshakeException mapped = fromAlert(alert, e, c, peer);
            if (mapped != null) {
                return mapped;
            }
        }
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.contains("no_shared_cipher") || lower.contains("unsupported_protocol")
                || lower.contains("no_shared_group") || lower.contains("no_common_signature_algorithms")) {
            // OpenSSL's reason codes for the same situations.
            return noCommon(c, peer, msg, e);
        }
        if (!c.clientMode() && lower.contains("peer_did_not_return_a_certificate")) {
            return new ClientCertificateException(ClientCertificateException.Reason.REQUIRED,
                    "the client presented no certificate, but this server requires one (clientAuth REQUIRED) ["
                            + c.endpoint() + "]", c.endpoint(), e);
        }
        if (lower.contains("no appropriate protocol") || lower.contains("not accepted by client preferences")
                || lower.contains("is not enabled or supported in server context")
                || lower.contains("no cipher suites in common") || lower.contains("no negotiable cipher suite")
                || lower.contains("client requested protocol") || lower.contains("the client supported protocol")) {
            return noCommon(c, peer, msg, e);
        }
        if (lower.contains("empty client certificate chain") || lower.contains("empty certificate chain")) {
            return new ClientCertificateException(ClientCertificateException.Reason.REQUIRED,
                    "the client presented no certificate, but this server requires one (clientAuth REQUIRED) ["
                            + c.endpoint() + "]", c.endpoint(), e);
        }
        if (c.clientMode() && lower.contains("unexpected handshake message: client_hello")) {
            // Our own ClientHello came back: a plain echo or relay on this port, not a TLS server.
            return new NotTlsException("the server at " + c.endpoint() + " does not speak TLS: it sent our own TLS"
                    + " ClientHello back, as a plaintext echo or relay does; check the port, or connect without TLS",
                    c.endpoint(), e);
        }
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            return new NotTlsException("the " + peer + " at " + c.endpoint() + " does not speak TLS: "
                    + msg + "; check the port, or connect without TLS if the service is plaintext", c.endpoint(), e);
        }
        return new TlsHandshakeException("TLS handshake with " + c.endpoint() + " failed: " + msg, c.endpoint(), e);
    }

    /** A failure on the first read after a TLS 1.3 handshake that is really the server refusing our certificate. */
    static TlsHandshakeException clientCertificateFailureAfterHandshake(SSLException e, Context c) {
        String alert = receivedAlert(String.valueOf(e.getMessage()));
        if (!c.clientMode() || alert == null) {
            return null;
        }
        TlsHandshakeException mapped = fromAlert(alert, e, c, "server");
        return mapped instanceof ClientCertificateException ? mapped : null;
    }

    /** The alert the peer sent, in the JDK's spelling ({@code protocol_version}), from either provider's message. */
    private static String receivedAlert(String message) {
        Matcher m = ALERT.matcher(message);
        if (m.find()) {
            return m.group(1);
        }
        Matcher o = OPENSSL_ALERT.matcher(message);
        if (o.find()) {
            return o.group(1).toLowerCase(Locale.ROOT);
        }
        if (message.contains("TLSV1_UNRECOGNIZED_NAME")) {
            return "unrecognized_name";
        }
        return null;
    }

    private static TlsHandshakeException fromAlert(String alert, SSLException e, Context c, String peer) {
        boolean hasKey = c.config().hasKeyMaterial();
        boolean requested = c.observer() != null && c.observer().certificateRequested();
        switch (alert) {
            case "certificate_required":
                return c.clientMode() ? required(c, e) : null;
            case "bad_certificate", "unsupported_certificate", "certificate_revoked", "certificate_expired",
                 "certificate_unknown", "unknown_ca", "access_denied":
                if (!c.clientMode()) {
                    return new TlsHandshakeException("the client rejected this server's certificate (alert " + alert
                            + "): the client does not trust it or its name; check the certificate configured for this"
                            + " server [" + c.endpoint() + "]", c.endpoint(), e);
                }
                if (hasKey) {
                    X509Certificate leaf = c.config().certificateChain().get(0);
                    return new ClientCertificateException(ClientCertificateException.Reason.REJECTED,
                            "the server rejected the client certificate '" + leaf.getSubjectX500Principal().getName()
                                    + "' issued by '" + leaf.getIssuerX500Principal().getName() + "' (alert " + alert
                                    + "): the server does not trust that issuer, or the certificate is expired or"
                                    + " revoked; use a certificate from a CA the server's client-CA list contains ["
                                    + c.endpoint() + "]", c.endpoint(), e);
                }
                return required(c, e);
            case "handshake_failure":
                if (c.clientMode() && requested && !hasKey) {
                    return required(c, e);
                }
                return noCommon(c, peer, "alert " + alert, e);
            case "protocol_version", "insufficient_security":
                return noCommon(c, peer, "alert " + alert, e);
            case "no_application_protocol":
                return new TlsHandshakeException("the " + peer + " supports none of the ALPN protocols "
                        + c.config().applicationProtocols() + " (alert no_application_protocol); configure one it"
                        + " speaks with TlsConfig.Builder.applicationProtocols [" + c.endpoint() + "]", c.endpoint(), e);
            case "unrecognized_name":
                return new TlsHandshakeException("the server does not know the name sent as SNI (alert"
                        + " unrecognized_name); connect with the name it serves (Endpoint.withServerName) ["
                        + c.endpoint() + "]", c.endpoint(), e);
            default:
                return null;
        }
    }

    private static ClientCertificateException required(Context c, SSLException e) {
        return new ClientCertificateException(ClientCertificateException.Reason.REQUIRED,
                "the server requires a client certificate (mutual TLS) but none is configured; set one with"
                        + " TlsConfig.Builder.keyMaterial(certificateChain, privateKey) or keyStore(...) ["
                        + c.endpoint() + "]", c.endpoint(), e);
    }

    private static NoCommonProtocolException noCommon(Context c, String peer, String detail, SSLException e) {
        List<String> suites = c.config().cipherSuites();
        // A version mismatch ("protocol_version", "client requested protocol TLSv1") is not about cipher suites.
        boolean aeadDefaults = suites.isEmpty() && !c.config().legacyCbcCipherSuitesAllowed()
                && !detail.toLowerCase(Locale.ROOT).contains("protocol");
        return new NoCommonProtocolException("no TLS protocol version or cipher suite in common with the " + peer
                + " (" + detail + "): this side offers protocols " + c.config().protocols() + " and "
                + (suites.isEmpty() ? "Tether's default cipher suites" : "cipher suites " + suites)
                + "; Tether allows TLS 1.2 and 1.3 only, so a peer limited to older versions must be upgraded"
                + (aeadDefaults ? "; the defaults are AEAD suites only (AES-GCM, ChaCha20-Poly1305), so a " + peer
                        + " offering only CBC suites is refused: upgrade it, or opt in with"
                        + " TlsConfig.Builder.allowLegacyCbcCipherSuites() (CBC suites are open to padding-oracle"
                        + " attacks such as Lucky13)" : "")
                + " [" + c.endpoint() + "]", c.endpoint(), e);
    }
}
