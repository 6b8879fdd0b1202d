package dev.tether.tls;

import dev.tether.core.Endpoint;
import java.util.List;

/**
 * The server's certificate is trusted but was issued for other names: none of its subject alternative names
 * matches the name Tether connected to. The message lists the expected name and the certificate's names.
 */
public final class HostnameMismatchException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    private final String expectedName;
    private final List<String> certificateNames;

    public HostnameMismatchException(String message, Endpoint endpoint, String expectedName,
                                     List<String> certificateNames, Throwable cause) {
        super(message, endpoint, cause);
        this.expectedName = expectedName;
        this.certificateNames = List.copyOf(certificateNames);
    }

    /** The host name or IP address the certificate had to be valid for. */
    public String expectedName() {
        return expectedName;
    }

    /** The certificate's subject alternative names, as {@code DNS:name} and {@code IP:address}. */
    public List<String> certificateNames() {
        return certificateNames;
    }
}
