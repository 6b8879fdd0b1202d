package dev.tether.tls;

/**
 * A {@link TlsConfig} cannot be built: a bad setting, or key or trust material that cannot be read. The
 * message names the setting or file and what is wrong with it; key material itself never appears.
 */
public class TlsConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
