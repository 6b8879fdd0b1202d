package dev.tether.tls.internal;

import dev.tether.tls.RevocationChecker;
import dev.tether.tls.TlsConfigException;
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
    private final ResumptionMemory resumptionMemory = new ResumptionMemory();

    private TlsMaterial(SSLContext context, List<X509Certificate> certificateChain, String trustDescription) {
        this.context = context;
        this.certificateChain = certificateChain;
        this.trustDescription = trustDescription;
    }

    public static TlsMaterial load(TrustSource trust, KeySource keys, Set<String> pins, boolean verifyHostname,
                                   List<String> protocols, List<String> cipherSuites) {
        return load(trust, keys, pins, verifyHostname, protocols, cipherSuites, null);
    }

    /** As above, with a revocation checker for server certificates (null or mode OFF: no checking). */
    public static TlsMaterial load(TrustSource trust, KeySource keys, Set<String> pins, boolean verifyHostname,
                                   List<String> protocols, List<String> cipherSuites, RevocationChecker revocation) {
        TrustSource.Loaded loadedTrust = trust.load();
        KeySource.Loaded loadedKey = keys == null ? null : keys.load();
        List<X509Certificate> chain = loadedKey == null ? List.of() : loadedKey.chain();
        PolicyTrustManager tm = new PolicyTrustManager(loadedTrust.trustManager(), loadedTrust.description(),
                verifyHostname, pins, revocation);
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
            return new TlsMaterial(context, chain, loadedTrust.description());
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

    public SSLContext context() {
        return context;
    }

    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    public String trustDescription() {
        return trustDescription;
    }

    /** What this context's client side has learnt about servers and session resumption. */
    public ResumptionMemory resumptionMemory() {
        return resumptionMemory;
    }
}
