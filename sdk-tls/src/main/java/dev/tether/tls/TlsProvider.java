package dev.tether.tls;

import java.util.Locale;

/**
 * Which TLS implementation runs Tether's {@code SSLEngine}s, set with {@link TlsConfig.Builder#provider}.
 * The protocol behaviour, errors and settings are the same for all; OpenSSL (BoringSSL, from the
 * {@code sdk-tls-openssl} module) makes handshakes and bulk encryption much cheaper.
 */
public enum TlsProvider {
    /** The JDK's own TLS (SunJSSE). The default. */
    JDK,
    /**
     * OpenSSL (BoringSSL) through the {@code sdk-tls-openssl} module; {@link TlsConfig.Builder#build()} fails
     * with {@link TlsProviderUnavailableException} when the module is not on the class path or its native
     * library cannot load on this machine.
     */
    OPENSSL,
    /** OpenSSL when it is available, else the JDK; which one is used is logged once. */
    PREFER_OPENSSL;

    /**
     * The system property that sets the default provider for builders that do not set one ({@code jdk},
     * {@code openssl} or {@code prefer_openssl}); unset means {@link #JDK}. Lets a deployment (or a test run)
     * switch every config at once.
     */
    public static final String DEFAULT_PROPERTY = "tether.tls.provider";

    /** The default: {@link #DEFAULT_PROPERTY} when set, else {@link #JDK}. */
    public static TlsProvider defaultProvider() {
        String value = System.getProperty(DEFAULT_PROPERTY);
        if (value == null || value.isBlank()) {
            return JDK;
        }
        return parse(value);
    }

    /**
     * Parses {@code jdk}, {@code openssl} or {@code prefer_openssl} (also {@code prefer-openssl}), ignoring case.
     *
     * @throws TlsConfigException for anything else
     */
    public static TlsProvider parse(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (TlsProvider p : values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new TlsConfigException("unknown TLS provider '" + value + "'; use jdk, openssl or prefer_openssl");
    }
}
