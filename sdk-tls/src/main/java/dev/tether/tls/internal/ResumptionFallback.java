package dev.tether.tls.internal;

import dev.tether.core.Connection;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.tls.NoCommonProtocolException;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsHandshakeException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client connect with a fallback for servers that abort a handshake offering session resumption: OpenSSL-based
 * servers that verify client certificates but set no session-id context (socat's {@code openssl-listen} with
 * {@code verify=1}, for one) answer a resumption offer with a fatal {@code internal_error} alert ("session id
 * context uninitialized") instead of a full handshake.
 *
 * <p>When a handshake that may have offered a session (resumption on, and an earlier handshake with this server
 * completed, so the JDK may hold one) fails because the peer aborted it (a fatal alert that is not a verdict on
 * this client's certificate, name or protocols, or the connection closed during the handshake), the client
 * connects once more and runs a full handshake without offering resumption. If that succeeds, the server is
 * remembered as refusing resumption (logged once at INFO), and later connections to it go straight to a full
 * handshake. This side's own verdicts (untrusted certificate, wrong name, pin mismatch) and timeouts never
 * trigger it.
 */
public final class ResumptionFallback {
    private static final Logger log = LoggerFactory.getLogger(ResumptionFallback.class);
    private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
    /** The same on the OpenSSL provider: BoringSSL names a received alert {@code TLSV1_ALERT_INTERNAL_ERROR}. */
    private static final Pattern OPENSSL_ALERT = Pattern.compile("(?:TLSV1|SSLV3)_ALERT_([A-Z_]+)");
    /** Alerts that judge this client's identity or parameters: a full handshake would be refused the same way. */
    private static final Set<String> VERDICT_ALERTS = Set.of("certificate_required", "bad_certificate",
            "unsupported_certificate", "certificate_revoked", "certificate_expired", "certificate_unknown",
            "unknown_ca", "access_denied", "protocol_version", "insufficient_security", "no_application_protocol",
            "unrecognized_name");

    private ResumptionFallback() {
    }

    /** Connects with {@code transport} and runs a client handshake, falling back once as described above. */
    public static EngineConnection connect(Connector transport, Endpoint endpoint, TlsConfig config,
                                           TlsMaterial material, long generation, Deadline deadline)
            throws TetherException {
        ResumptionMemory memory = material.resumptionMemory();
        String key = ResumptionMemory.key(endpoint);
        boolean offer = config.sessionResumption() && key != null && !memory.refuses(key);
        Connection plain = transport.connect(endpoint, deadline);
        EngineConnection c;
        try {
            c = EngineConnection.client(plain, endpoint, config, material, generation, deadline, offer);
        } catch (TetherException e) {
            if (!offer || !memory.mayHoldSession(key) || !peerAborted(e)) {
                throw e;
            }
            log.debug("TLS handshake offering session resumption to {} failed ({}); retrying with a full handshake",
                    endpoint, e.getMessage());
            EngineConnection full;
            try {
                full = EngineConnection.client(transport.connect(endpoint, deadline), endpoint, config, material,
                        generation, deadline, false);
            } catch (TetherException again) {
                again.addSuppressed(e);
                throw again;
            }
            if (memory.refuse(key)) {
                log.info("the TLS server at {} aborted a handshake that offered session resumption ({}) but accepted"
                        + " a full handshake: connections to it no longer offer resumption", endpoint, e.getMessage());
            }
            return full;
        }
        if (offer) {
            memory.handshakeCompleted(key);
        }
        return c;
    }

    /** True when the handshake failed because the peer aborted it, not because of a verdict or a timeout. */
    static boolean peerAborted(TetherException e) {
        if (e instanceof ConnectionClosedException closed) {
            return closed.reason() == ConnectionClosedException.Reason.EOF
                    || closed.reason() == ConnectionClosedException.Reason.RESET;
        }
        if (e.getClass() != TlsHandshakeException.class && !(e instanceof NoCommonProtocolException)) {
            return false;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof CertificateRejection) {
                return false;
            }
            if (t instanceof SSLException) {
                String message = String.valueOf(t.getMessage());
                Matcher m = ALERT.matcher(message);
                if (m.find()) {
                    return !VERDICT_ALERTS.contains(m.group(1));
                }
                Matcher openssl = OPENSSL_ALERT.matcher(message);
                if (openssl.find()) {
                    return !VERDICT_ALERTS.contains(openssl.group(1).toLowerCase(java.util.Locale.ROOT));
                }
                if (message.contains("close_notify during handshake")) {
                    return true;
                }
            }
        }
        return false;
    }
}
