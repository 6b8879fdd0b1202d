package dev.tether.tls;

import dev.tether.tls.internal.HostnameMatcher;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The server identity check Tether's hostname verification applies (RFC 6125 against subject alternative names),
 * for tools that report on a certificate, such as {@code tether probe}, without making a connection.
 */
public final class ServerIdentity {
    private ServerIdentity() {
    }

    /**
     * Whether {@code certificate} is valid for {@code serverName}: a DNS name (a wildcard only as the whole
     * left-most label) or an IP address matched against the IP SANs. The subject's common name is ignored.
     */
    public static boolean matches(String serverName, X509Certificate certificate) {
        return HostnameMatcher.matches(Objects.requireNonNull(serverName, "serverName"),
                Objects.requireNonNull(certificate, "certificate"));
    }

    /** The certificate's DNS and IP names as {@code DNS:name} and {@code IP:address}, for messages. */
    public static List<String> names(X509Certificate certificate) {
        return List.copyOf(HostnameMatcher.names(Objects.requireNonNull(certificate, "certificate")));
    }
}
