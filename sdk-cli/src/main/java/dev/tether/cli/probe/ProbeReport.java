package dev.tether.cli.probe;

import dev.tether.core.Endpoint;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one probe found: on success the negotiated parameters and the verified chain; on failure the
 * {@link Diagnosis} and, for certificate failures, the chain the server presented.
 */
final class ProbeReport {
    final Endpoint endpoint;
    final String serverName;
    final String trust;
    Diagnosis failure;
    SocketAddress remoteAddress;
    Duration tcpConnect;
    Duration handshake;
    String protocol;
    String cipherSuite;
    Optional<String> alpn = Optional.empty();
    boolean resumed;
    /** Whether a second connection resumed the first one's session; null when that could not be tried. */
    Boolean secondResumed;
    /** TCP connect plus handshake of that second connection, when it was made. */
    Duration secondConnect;
    List<X509Certificate> chain = List.of();
    /** Whether the leaf matches {@link #serverName}; null when no certificate was seen. */
    Boolean nameMatched;
    /** Subject of the client certificate sent, or null when none was. */
    String clientCertificateSent;
    /** What the server stapled: "none", or how many OCSP responses; null when no handshake was seen. */
    String stapled;
    /** The revocation check's result; null when it did not run. */
    dev.tether.tls.RevocationStatus revocation;
    /** The revocation mode probed with. */
    dev.tether.tls.RevocationMode revocationMode;
    /** Something worth knowing that happened right after the handshake, or null. */
    String afterHandshake;

    ProbeReport(Endpoint endpoint, String serverName, String trust) {
        this.endpoint = endpoint;
        this.serverName = serverName;
        this.trust = trust;
    }

    ProbeOutcome outcome() {
        return failure == null ? ProbeOutcome.OK : failure.outcome();
    }
}
