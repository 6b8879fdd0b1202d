package dev.tether.tls.internal;

import dev.tether.tls.ClientAuth;
import dev.tether.tls.RevocationChecker;
import dev.tether.tls.TlsConfigException;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.spi.TlsEngineFactory;
import dev.tether.tls.spi.TlsEngineSpec;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The loaded form of a config: an {@link SSLContext} with Tether's trust policy and key material. Each
 * config (and each reload) gets its own context, so the session cache never mixes material generations.
 */
public final class TlsMaterial {
    private static volatile List<String> supportedSuites;

    private final SSLContext context;
    private final List<X509Certificate> certificateChain;
    private final String trustDescription;
    private final ResumptionMemory resumptionMemory = new ResumptionMemory();
    private final boolean applicationContext;
    private TlsEngineFactory engines;
    private ChainValidationCache chainValidationCache;

    private TlsMaterial(SSLContext context, List<X509Certificate> certificateChain, String trustDescription,
                        boolean applicationContext) {
        this.context = context;
        this.certificateChain = certificateChain;
        this.trustDescription = trustDescription;
        this.applicationContext = applicationContext;
    }

    /** Loads material for the JDK provider with no ALPN (kept for callers that only need a JDK context). */
    public static TlsMaterial load(TrustSource trust, KeySource keys, Set<String> pins, boolean verifyHostname,
                                   List<String> protocols, List<String> cipherSuites) {
        return load(trust, keys, pins, verifyHostname, protocols, cipherSuites, StandardInputs.NONE, null,
                new EngineChoice(TlsProvider.JDK, List.of(), ClientAuth.NONE, true),
                ChainValidationCache.Settings.of(ChainValidationCache.DEFAULT_TTL));
    }

    /** What the engine factory needs besides the key and trust material: the provider and engine-wide settings. */
    public record EngineChoice(TlsProvider provider, List<String> applicationProtocols, ClientAuth clientAuth,
                               boolean sessionResumption) {
    }

    /**
     * Loads Tether's own settings, or takes the application's {@code std} inputs in their place. Key and trust
     * managers are wrapped like Tether's own (dates, host name and pins still checked); an SSLContext is used as
     * it is, so only the engine-level settings (protocols, suites, ALPN, SNI, the JDK's host name check) apply.
     * {@code revocation} checks server certificates (null: no checking); it cannot reach inside an SSLContext.
     * The engines come from {@code engine}'s provider; an application's SSLContext only works with the JDK's.
     * {@code chainCache} says whether successful PKIX validations are cached; only Tether's own trust (loaded
     * from {@code trust}) is, never the application's trust manager, whose answers may change on their own.
     *
     * @throws dev.tether.tls.TlsProviderUnavailableException when the provider is OPENSSL and cannot run here
     */
    public static TlsMaterial load(TrustSource trust, KeySource keys, Set<String> pins, boolean verifyHostname,
                                   List<String> protocols, List<String> cipherSuites, StandardInputs std,
                                   RevocationChecker revocation, EngineChoice engine,
                                   ChainValidationCache.Settings chainCache) {
        if (std.context() != null) {
            if (!pins.isEmpty()) {
                throw new TlsConfigException("certificate pins cannot be checked inside an SSLContext the application"
                        + " built; give its trust manager (trustManager or trustManagerFactory) instead of sslContext");
            }
            if (revocation != null) {
                throw new TlsConfigException("revocation cannot be checked inside an SSLContext the application built;"
                        + " give its trust manager (trustManager or trustManagerFactory) instead of sslContext");
            }
            if (engine.provider() == TlsProvider.OPENSSL) {
                throw new TlsConfigException("an SSLContext the application built runs on the JDK's TLS only; use"
                        + " provider JDK (or PREFER_OPENSSL), or give key and trust managers instead of sslContext");
            }
            checkProtocols(std.context(), protocols);
            TlsMaterial material = new TlsMaterial(std.context(), List.of(), std.trustDescription(), true);
            material.engines = new JdkEngineFactory(std.context());
            return material;
        }
        X509ExtendedTrustManager pkix;
        String trustDescription;
        ChainValidationCache.Settings cacheSettings = chainCache;
        if (std.trustManager() != null) {
            pkix = std.trustManager();
            trustDescription = std.trustDescription();
            cacheSettings = new ChainValidationCache.Settings(Duration.ZERO, chainCache.wallClock(),
                    chainCache.nanoClock(), chainCache.pkixSeam());
        } else {
            TrustSource.Loaded loadedTrust = trust.load();
            pkix = loadedTrust.trustManager();
            trustDescription = loadedTrust.description();
        }
        PolicyTrustManager tm = new PolicyTrustManager(pkix, trustDescription, verifyHostname, pins, revocation,
                cacheSettings);
        List<X509Certificate> chain;
        X509ExtendedKeyManager km;
        if (std.keyManager() != null) {
            chain = std.chainOf();
            km = std.keyManager();
        } else {
            KeySource.Loaded loadedKey = keys == null ? null : keys.load();
            chain = loadedKey == null ? List.of() : loadedKey.chain();
            km = new SingleKeyManager(loadedKey == null ? null : loadedKey.key(), chain);
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {km}, new TrustManager[] {tm}, null);
            List<String> supportedProtocols = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
            for (String p : protocols) {
                if (!supportedProtocols.contains(p)) {
                    throw new TlsConfigException("protocol " + p + " is not supported by this JDK: " + supportedProtocols);
                }
            }
            TlsMaterial material = new TlsMaterial(context, chain, trustDescription, false);
            material.chainValidationCache = tm.chainValidationCache();
            material.engines = EngineProviders.factory(engine.provider(), context, new TlsEngineSpec(km, tm,
                    !chain.isEmpty(), protocols, cipherSuites, engine.applicationProtocols(), engine.clientAuth(),
                    engine.sessionResumption()));
            return material;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot create the TLS context: " + e.getMessage(), e);
        }
    }

    private static void checkProtocols(SSLContext context, List<String> protocols) {
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        for (String p : protocols) {
            if (!supported.contains(p)) {
                throw new TlsConfigException("protocol " + p + " is not supported by the SSLContext: " + supported);
            }
        }
    }

    /**
     * True when the context is the application's: Tether's trust policy is not inside it, so the JDK checks
     * the server's name (endpoint identification {@code HTTPS}) when hostname verification is on.
     */
    public boolean applicationContext() {
        return applicationContext;
    }

    /** The cipher suites this JDK can enable. */
    public static List<String> supportedCipherSuites() {
        List<String> suites = supportedSuites;
        if (suites == null) {
            try {
                SSLContext c = SSLContext.getInstance("TLS");
                c.init(null, null, null);
                suites = List.of(c.getSupportedSSLParameters().getCipherSuites());
                supportedSuites = suites;
            } catch (GeneralSecurityException e) {
                throw new TlsConfigException("cannot list the JDK's cipher suites: " + e.getMessage(), e);
            }
        }
        return suites;
    }

    /** Makes this material's engines, with the provider the config chose. */
    public TlsEngineFactory engines() {
        return engines;
    }

    /**
     * The name of the TLS implementation the engines come from ({@code JDK} or {@code OpenSSL}). Here rather than
     * read through {@link #engines()} by {@code TlsConfig}, so the public package does not reach into the SPI
     * package, which refers back to it (no package cycle).
     */
    public String providerName() {
        return engines.providerName();
    }

    public SSLContext context() {
        return context;
    }

    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    public String trustDescription() {
        return trustDescription;
    }

    /** The cache of successful chain validations of this material's trust; empty when none is kept. */
    public Optional<ChainValidationCache> chainValidationCache() {
        return Optional.ofNullable(chainValidationCache);
    }

    /** What this context's client side has learnt about servers and session resumption. */
    public ResumptionMemory resumptionMemory() {
        return resumptionMemory;
    }
}
