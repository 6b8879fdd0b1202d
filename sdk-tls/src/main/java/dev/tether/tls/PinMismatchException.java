package dev.tether.tls;

import dev.tether.core.Endpoint;
import java.util.List;
import java.util.Set;

/**
 * The server's chain is trusted, but no certificate in it has a public key matching any configured SPKI
 * SHA-256 pin. The message lists the expected pins and the pins the chain actually has, which is what to
 * add to the configuration when the server's key was rotated on purpose.
 */
public final class PinMismatchException extends TlsHandshakeException {
    private static final long serialVersionUID = 1L;

    private final Set<String> expectedPins;
    private final List<String> actualPins;

    public PinMismatchException(String message, Endpoint endpoint, Set<String> expectedPins,
                                List<String> actualPins, Throwable cause) {
        super(message, endpoint, cause);
        this.expectedPins = Set.copyOf(expectedPins);
        this.actualPins = List.copyOf(actualPins);
    }

    /** The configured pins, as {@code sha256/<base64>}. */
    public Set<String> expectedPins() {
        return expectedPins;
    }

    /** The pins of the chain the server presented, leaf first, as {@code sha256/<base64>}. */
    public List<String> actualPins() {
        return actualPins;
    }
}
