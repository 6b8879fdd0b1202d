package dev.tether.tls.internal;

import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfigException;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.spi.TlsEngineFactory;
import dev.tether.tls.spi.TlsEngineSpec;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The loaded form of a config: an {@link SSLContext} with Tether's trust policy and key material. Each
 * config (and each reload) gets its own context, so the session cache never mixes material generations.
 */
public final class TlsMaterial {
    private static volatile List<String> supportedSuites;

    private final SSLContext context;
    private final List<X509Certificate> certificateChain;
    private final String trustDescription;
    private TlsEngineFactory engines;

    private TlsMaterial(SSLContext context, List<X509Certificate> certificateChain, String trustDescription) {
        this.context = context;
        this.certificateChain = certificateChain;
        this.trustDescription = trustDescription;
    }

    /** Loads material for the JDK provider with no ALPN (kept for callers that only need a JDK context). */
    public static TlsMaterial load(TrustSource trust, KeySource keys, Set<String> pins, boolean verifyHostname,
                                   List<String> protocols, List<String> cipherSuites) {
        return load(trust, keys, pins, verifyHostname, protocols, cipherSuites, TlsProvider.JDK, List.of(),
                ClientAuth.NONE, true);
    }

    /**
     * Loads the material and creates the engine factory of the chosen provider from it.
     *
     * @throws dev.tether.tls.TlsProviderUnavailableException when {@code provider} is OPENSSL and cannot run here
     */
    public static TlsMaterial load(TrustSource trust, KeySource keys, Set<String> pins, boolean verifyHostname,
                                   List<String> protocols, List<String> cipherSuites, TlsProvider provider,
                                   List<String> applicationProtocols, ClientAuth clientAuth, boolean sessionResumption) {
        TrustSource.Loaded loadedTrust = trust.load();
        KeySource.Loaded loadedKey = keys == null ? null : keys.load();
        List<X509Certificate> chain = loadedKey == null ? List.of() : loadedKey.chain();
        PolicyTrustManager tm = new PolicyTrustManager(loadedTrust.trustManager(), loadedTrust.description(),
                verifyHostname, pins);
        SingleKeyManager km = new SingleKeyManager(loadedKey == null ? null : loadedKey.key(), chain);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {km}, new TrustManager[] {tm}, null);
            List<String> supportedProtocols = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
            for (String p : protocols) {
                if (!supportedProtocols.contains(p)) {
                    throw new TlsConfigException("protocol " + p + " is not supported by this JDK: " + supportedProtocols);
                }
            }
            TlsMaterial material = new TlsMaterial(context, chain, loadedTrust.description());
            material.engines = EngineProviders.factory(provider, context, new TlsEngineSpec(km, tm, !chain.isEmpty(),
                    protocols, cipherSuites, applicationProtocols, clientAuth, sessionResumption));
            return material;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot create the TLS context: " + e.getMessage(), e);
        }
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

    public SSLContext context() {
        return context;
    }

    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    public String trustDescription() {
        return trustDescription;
    }
}
