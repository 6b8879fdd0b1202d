package dev.tether.tls;

/**
 * {@link TlsProvider#OPENSSL} was asked for but cannot be used here: the {@code sdk-tls-openssl} module is not
 * on the class path, or its native library does not load on this platform. The message says which, and the
 * cause (if any) is the loader's own error.
 */
public final class TlsProviderUnavailableException extends TlsConfigException {
    private static final long serialVersionUID = 1L;

    private final TlsProvider provider;

    public TlsProviderUnavailableException(TlsProvider provider, String message, Throwable cause) {
        super(message, cause);
        this.provider = provider;
    }

    /** The provider that was asked for. */
    public TlsProvider provider() {
        return provider;
    }
}
