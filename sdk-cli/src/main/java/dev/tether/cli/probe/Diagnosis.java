package dev.tether.cli.probe;

import dev.tether.cli.internal.DurationConverter;
import dev.tether.core.ConnectFailedException;
import dev.tether.core.ConnectionClosedException;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.TimedOutException;
import dev.tether.tls.CertificateRevocationException;
import dev.tether.tls.CertificateValidityException;
import dev.tether.tls.ClientCertificateException;
import dev.tether.tls.HandshakeTimeoutException;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.NoCommonProtocolException;
import dev.tether.tls.NotTlsException;
import dev.tether.tls.PinMismatchException;
import dev.tether.tls.UntrustedCertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A failed probe explained: the outcome (and so the exit code), one sentence saying what went wrong and one
 * saying what to do, in terms of the probe's own options, plus the library's full message as detail.
 *
 * @param outcome the class of failure
 * @param problem what went wrong, in one sentence
 * @param action what to do about it, in one sentence
 * @param detail the underlying exception's message, for --verbose and JSON
 */
public record Diagnosis(ProbeOutcome outcome, String problem, String action, String detail) {

    /** What the probe tried, for the sentences. */
    record Attempt(Endpoint endpoint, String name, String trust, boolean customTrust, List<String> protocols,
                   boolean clientCertificate, Duration timeout) {
    }

    /** Explains {@code failure}, which happened while probing as {@code attempt} describes. */
    static Diagnosis of(TetherException failure, Attempt attempt) {
        String detail = String.valueOf(failure.getMessage());
        String target = attempt.endpoint().toString();
        if (failure instanceof ConnectFailedException c) {
            return switch (c.reason()) {
                case REFUSED -> new Diagnosis(ProbeOutcome.CANNOT_CONNECT,
                        "Nothing accepted the connection at " + target + ": it was refused.",
                        "Check the port number and that the server is running and listening on that address.",
                        detail);
                case UNKNOWN_HOST -> new Diagnosis(ProbeOutcome.CANNOT_CONNECT,
                        "The host name '" + attempt.endpoint().host() + "' does not resolve to any address.",
                        "Check the spelling of the host name and this machine's DNS settings.", detail);
                case UNREACHABLE -> new Diagnosis(ProbeOutcome.CANNOT_CONNECT,
                        "There is no network route to " + target + ".",
                        "Check the address, this machine's network connection, VPN and firewall rules.", detail);
                case OTHER -> new Diagnosis(ProbeOutcome.CANNOT_CONNECT,
                        "Could not connect to " + target + ": " + causeText(c) + ".",
                        "Check the address and port, and that the server is reachable from this machine.", detail);
            };
        }
        if (failure instanceof HandshakeTimeoutException) {
            return new Diagnosis(ProbeOutcome.TIMEOUT,
                    "The server at " + target + " accepted the TCP connection but did not complete a TLS handshake"
                            + " within " + DurationConverter.format(attempt.timeout()) + ".",
                    "Check that the port serves TLS (a plaintext service may be waiting for its own protocol), or"
                            + " allow more time with --timeout.", detail);
        }
        if (failure instanceof TimedOutException t) {
            return new Diagnosis(ProbeOutcome.TIMEOUT,
                    "No answer from " + target + " within " + DurationConverter.format(attempt.timeout())
                            + (t.phase() == TimedOutException.Phase.CONNECT ? " while connecting" : "") + ".",
                    "Check the address and port and that no firewall drops the packets, or allow more time with"
                            + " --timeout.", detail);
        }
        if (failure instanceof UntrustedCertificateException u) {
            return untrusted(u, attempt, detail);
        }
        if (failure instanceof HostnameMismatchException h) {
            List<String> names = h.certificateNames();
            return new Diagnosis(ProbeOutcome.HOSTNAME_MISMATCH,
                    "The server's certificate is trusted but is valid for "
                            + (names.isEmpty() ? "no name at all (it has no subject alternative names)"
                                    : String.join(", ", names))
                            + ", not for '" + h.expectedName() + "'.",
                    names.isEmpty()
                            ? "Reissue the server certificate with '" + h.expectedName()
                                    + "' as a subject alternative name."
                            : "Connect with a name the certificate lists (or check one with --sni NAME), or reissue"
                                    + " the certificate with '" + h.expectedName() + "' as a subject alternative name.",
                    detail);
        }
        if (failure instanceof CertificateValidityException v) {
            return validity(v, detail);
        }
        if (failure instanceof ClientCertificateException c) {
            if (c.reason() == ClientCertificateException.Reason.REQUIRED) {
                return new Diagnosis(ProbeOutcome.CLIENT_CERTIFICATE,
                        "The server requires a client certificate (mutual TLS)"
                                + (attempt.clientCertificate() ? " and did not accept the one given." : " and none was given."),
                        "Pass --cert FILE --key FILE with a client certificate issued by a CA the server trusts.",
                        detail);
            }
            return new Diagnosis(ProbeOutcome.CLIENT_CERTIFICATE,
                    "The server rejected the client certificate given with --cert.",
                    "Use a client certificate issued by a CA the server accepts for clients, and check that it has"
                            + " not expired and is meant for client authentication.", detail);
        }
        if (failure instanceof NoCommonProtocolException) {
            boolean narrowed = attempt.protocols().size() == 1;
            return new Diagnosis(ProbeOutcome.NO_COMMON_PROTOCOL,
                    "The server and this client share no TLS protocol version or cipher suite (offered: "
                            + String.join(", ", attempt.protocols()) + ").",
                    narrowed ? "Drop --tls1.2/--tls1.3 to offer both versions, or enable "
                            + attempt.protocols().get(0) + " on the server."
                            : "Enable TLS 1.2 or 1.3 with current cipher suites on the server; older versions are"
                                    + " not offered because they are unsafe.", detail);
        }
        if (failure instanceof CertificateRevocationException r) {
            if (r.revoked()) {
                return new Diagnosis(ProbeOutcome.CERTIFICATE_REVOKED,
                        "The server's certificate is revoked: " + r.status().detail() + ".",
                        "The server needs a new certificate; until then no client should trust it.", detail);
            }
            return new Diagnosis(ProbeOutcome.HANDSHAKE_FAILED,
                    "The revocation status of the server's certificate is unknown: " + r.status().detail() + ".",
                    "Make the OCSP responder or CRL reachable, have the server staple OCSP responses, or probe with"
                            + " --revocation soft.", detail);
        }
        if (failure instanceof NotTlsException) {
            return new Diagnosis(ProbeOutcome.NOT_TLS,
                    "The service at " + target + " does not speak TLS: it answered with something else"
                            + firstBytes(detail) + ".",
                    "Check the port number; if the service is meant to be plaintext, connect to it without TLS.",
                    detail);
        }
        if (failure instanceof PinMismatchException) {
            return new Diagnosis(ProbeOutcome.HANDSHAKE_FAILED,
                    "The server's certificate chain matches none of the pinned keys.",
                    "If the server's key was rotated on purpose, pin the new key.", detail);
        }
        if (failure instanceof ConnectionClosedException) {
            return new Diagnosis(ProbeOutcome.HANDSHAKE_FAILED,
                    "The server at " + target + " closed the connection during the TLS handshake without saying why.",
                    "Check the server's logs; it may refuse the server name '" + attempt.name()
                            + "' (try --sni), limit connections, or not speak TLS on this port.", detail);
        }
        return new Diagnosis(ProbeOutcome.HANDSHAKE_FAILED,
                "The TLS handshake with " + target + " failed: " + firstClause(detail) + ".",
                "Run again with --verbose for the full reason, and check the server's TLS configuration and logs.",
                detail);
    }

    private static Diagnosis untrusted(UntrustedCertificateException u, Attempt attempt, String detail) {
        List<X509Certificate> chain = u.chain();
        String trust = attempt.customTrust() ? "the CA file given with --ca" : "the system trust store";
        if (chain.isEmpty()) {
            return new Diagnosis(ProbeOutcome.UNTRUSTED_CERTIFICATE,
                    "The server's certificate is not trusted by " + trust + ".",
                    "Pass the certificate of the CA that issued it with --ca FILE.", detail);
        }
        X509Certificate leaf = chain.get(0);
        X509Certificate top = chain.get(chain.size() - 1);
        String topIssuer = top.getIssuerX500Principal().getName();
        boolean selfSigned = chain.size() == 1 && top.getSubjectX500Principal().equals(top.getIssuerX500Principal());
        if (selfSigned) {
            return new Diagnosis(ProbeOutcome.UNTRUSTED_CERTIFICATE,
                    "The server presented a self-signed certificate (" + leaf.getSubjectX500Principal().getName()
                            + ") that " + trust + " does not contain.",
                    "If you trust this server, pass its certificate with --ca FILE; better, give the server a"
                            + " certificate issued by a CA you trust.", detail);
        }
        return new Diagnosis(ProbeOutcome.UNTRUSTED_CERTIFICATE,
                "The server's certificate chain is signed by '" + topIssuer + "', which is not in " + trust + ".",
                "If you trust that CA, pass its certificate with --ca FILE; if it is an intermediate CA, the server"
                        + " should also send the certificates up to a CA you trust.", detail);
    }

    private static Diagnosis validity(CertificateValidityException v, String detail) {
        Instant now = Instant.now();
        if (v.kind() == CertificateValidityException.Kind.EXPIRED) {
            long days = Duration.between(v.notAfter(), now).toDays();
            return new Diagnosis(ProbeOutcome.CERTIFICATE_NOT_VALID_NOW,
                    "The server's certificate expired on " + v.notAfter()
                            + (days >= 1 ? " (" + days + " day" + (days == 1 ? "" : "s") + " ago)" : "") + ".",
                    "Renew the server's certificate; if it should still be valid, check this machine's clock.",
                    detail);
        }
        return new Diagnosis(ProbeOutcome.CERTIFICATE_NOT_VALID_NOW,
                "The server's certificate is not valid until " + v.notBefore() + " (it is " + now + " here).",
                "Check the clocks of this machine and of whoever issued the certificate.", detail);
    }

    private static String firstBytes(String detail) {
        int sent = detail.indexOf("it sent '");
        if (sent < 0) {
            return "";
        }
        int end = detail.indexOf("' (hex", sent);
        return end < 0 ? "" : " (" + detail.substring(sent + "it sent ".length(), end + 1) + ")";
    }

    private static String firstClause(String detail) {
        int cut = detail.indexOf(" [");
        String s = cut > 0 ? detail.substring(0, cut) : detail;
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String causeText(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
