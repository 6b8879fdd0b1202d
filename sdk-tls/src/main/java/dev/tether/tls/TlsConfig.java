package dev.tether.tls;

import dev.tether.tls.internal.ChainValidationCache;
import dev.tether.tls.internal.KeySource;
import dev.tether.tls.internal.StandardInputs;
import dev.tether.tls.internal.TlsMaterial;
import dev.tether.tls.internal.TrustSource;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Everything a TLS connection needs: protocols, cipher suites, trust, key material for mutual TLS, hostname
 * verification, certificate pins, ALPN and timeouts. Immutable; {@link #builder()} validates every setting
 * and reads every file when {@link Builder#build()} runs, so a bad path or password fails at startup, not on
 * the first connection.
 *
 * <p>Defaults are the safe ones: TLS 1.3 and 1.2 only, AEAD cipher suites only ({@link #DEFAULT_CIPHER_SUITES};
 * legacy CBC suites need {@link Builder#allowLegacyCbcCipherSuites()}), no revocation checking unless
 * {@link Builder#revocation(RevocationMode)} turns it on, the system
 * trust store, hostname verification on (IP addresses are checked against IP SANs), session resumption on,
 * a 10s handshake timeout and a 1s budget for sending close_notify. Turning hostname verification off takes
 * {@link Builder#insecureDisableHostnameVerification()}. Successful chain validations are remembered for a minute
 * ({@link Builder#chainValidationCache(Duration)}); the server's name, pins, dates and revocation are still checked
 * on every handshake.
 *
 * <p>One config serves both sides: {@link TlsConnector} uses it as a client, {@link TlsAcceptor} as a server
 * (which needs key material). {@link #clientAuth()} only matters on the server side, hostname verification
 * and pins only on the client side.
 */
public final class TlsConfig {
    /** The protocol versions Tether allows; older ones have known weaknesses. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * The cipher suites both sides enable by default, most preferred first: the TLS 1.3 suites and the TLS 1.2
     * ECDHE suites with AES-GCM or ChaCha20-Poly1305 (authenticated encryption with forward secrecy, in the
     * spirit of Mozilla's "intermediate" profile). Suites this JDK lacks are left out when the engine is set up.
     */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * The TLS 1.2 ECDHE suites with AES-CBC that {@link Builder#allowLegacyCbcCipherSuites()} adds after the
     * defaults. CBC with MAC-then-encrypt is the construction behind padding-oracle attacks (Lucky13 and kin).
     */
    public static final List<String> LEGACY_CBC_CIPHER_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");

    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final TrustSource trust;
    private final KeySource keySource;
    private final boolean hostnameVerification;
    private final Set<String> pins;
    private final List<String> applicationProtocols;
    private final boolean sessionResumption;
    private final Duration handshakeTimeout;
    private final Duration closeNotifyTimeout;
    private final ClientAuth clientAuth;
    private final boolean legacyCbc;
    private final RevocationMode revocation;
    private final Duration revocationTimeout;
    private final TlsProvider provider;
    private final TlsMaterial material;
    private final StandardInputs standardInputs;
    private final KeyManagerFactory keyManagerFactory;
    private final TrustManagerFactory trustManagerFactory;
    private final ChainValidationCache.Settings chainValidationCache;

    private TlsConfig(Builder b) {
        protocols = List.copyOf(b.protocols);
        cipherSuites = List.copyOf(b.cipherSuites);
        trust = b.trust.build();
        keySource = b.keySource;
        hostnameVerification = b.hostnameVerification;
        pins = Collections.unmodifiableSet(new LinkedHashSet<>(b.pins));
        applicationProtocols = List.copyOf(b.applicationProtocols);
        sessionResumption = b.sessionResumption;
        handshakeTimeout = b.handshakeTimeout;
        closeNotifyTimeout = b.closeNotifyTimeout;
        clientAuth = b.clientAuth;
        legacyCbc = b.legacyCbc;
        revocation = b.revocation;
        revocationTimeout = b.revocationTimeout;
        standardInputs = b.standardInputs();
        keyManagerFactory = b.keyManagerFactory;
        trustManagerFactory = b.trustManagerFactory;
        provider = b.provider;
        chainValidationCache = new ChainValidationCache.Settings(b.chainValidationCacheTtl, b.chainCacheWallClock,
                b.chainCacheNanoClock, b.pkixSeam);
        material = TlsMaterial.load(trust, keySource, pins, hostnameVerification, protocols, cipherSuites,
                standardInputs,
                revocation == RevocationMode.OFF ? null : RevocationChecker.create(revocation, revocationTimeout),
                new TlsMaterial.EngineChoice(provider, applicationProtocols, clientAuth, sessionResumption),
                chainValidationCache);
    }

    /** A builder with the defaults described above. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: system trust, no client certificate. */
    public static TlsConfig defaults() {
        return builder().build();
    }

    /** A builder holding these settings; {@link Builder#build()} reads the files again (used for reloads). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocols = new ArrayList<>(protocols);
        b.cipherSuites = new ArrayList<>(cipherSuites);
        b.trust = trust.toBuilder();
        b.keySource = keySource;
        b.hostnameVerification = hostnameVerification;
        b.pins = new LinkedHashSet<>(pins);
        b.applicationProtocols = new ArrayList<>(applicationProtocols);
        b.sessionResumption = sessionResumption;
        b.handshakeTimeout = handshakeTimeout;
        b.closeNotifyTimeout = closeNotifyTimeout;
        b.clientAuth = clientAuth;
        b.legacyCbc = legacyCbc;
        b.revocation = revocation;
        b.revocationTimeout = revocationTimeout;
        b.standardInputs = standardInputs;
        b.keyManagerFactory = keyManagerFactory;
        b.trustManagerFactory = trustManagerFactory;
        b.provider = provider;
        b.chainValidationCacheTtl = chainValidationCache.ttl();
        b.chainCacheWallClock = chainValidationCache.wallClock();
        b.chainCacheNanoClock = chainValidationCache.nanoClock();
        b.pkixSeam = chainValidationCache.pkixSeam();
        return b;
    }

    /** Enabled protocol versions, most preferred first. */
    public List<String> protocols() {
        return protocols;
    }

    /** Cipher suites set with {@link Builder#cipherSuites}; empty means Tether's defaults (see {@link #effectiveCipherSuites()}). */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /**
     * The cipher suites an engine enables: those set explicitly, else {@link #DEFAULT_CIPHER_SUITES} (plus
     * {@link #LEGACY_CBC_CIPHER_SUITES} when allowed), keeping only suites this JDK supports.
     */
    public List<String> effectiveCipherSuites() {
        if (!cipherSuites.isEmpty()) {
            return cipherSuites;
        }
        List<String> supported = TlsMaterial.supportedCipherSuites();
        List<String> suites = new ArrayList<>();
        for (String s : DEFAULT_CIPHER_SUITES) {
            if (supported.contains(s)) {
                suites.add(s);
            }
        }
        if (legacyCbc) {
            for (String s : LEGACY_CBC_CIPHER_SUITES) {
                if (supported.contains(s)) {
                    suites.add(s);
                }
            }
        }
        return List.copyOf(suites);
    }

    /** Whether {@link Builder#allowLegacyCbcCipherSuites()} was called. */
    public boolean legacyCbcCipherSuitesAllowed() {
        return legacyCbc;
    }

    /** How a client checks whether the server's certificate was revoked; {@link RevocationMode#OFF} by default. */
    public RevocationMode revocation() {
        return revocation;
    }

    /** The longest one OCSP or CRL fetch may take. */
    public Duration revocationTimeout() {
        return revocationTimeout;
    }

    /**
     * How long a successful validation of a presented certificate chain is remembered; {@link Duration#ZERO} when
     * it is not (see {@link Builder#chainValidationCache(Duration)}).
     */
    public Duration chainValidationCacheTtl() {
        return chainValidationCache.ttl();
    }

    /** Whether the server's certificate must match the name connected to. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** SPKI SHA-256 pins as {@code sha256/<base64>}; empty when pinning is off. */
    public Set<String> pins() {
        return pins;
    }

    /** ALPN protocols offered (client) or accepted (server), in preference order; empty for none. */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** Whether clients offer to resume earlier sessions (saving a full handshake). */
    public boolean sessionResumption() {
        return sessionResumption;
    }

    /** The longest a handshake may take, in addition to any caller deadline. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The longest {@code close()} spends sending close_notify before closing the socket anyway. */
    public Duration closeNotifyTimeout() {
        return closeNotifyTimeout;
    }

    /** Whether a server asks clients for certificates. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The TLS provider asked for (see {@link Builder#provider}). */
    public TlsProvider provider() {
        return provider;
    }

    /** The TLS implementation connections made with this config use: {@code JDK} or {@code OpenSSL}. */
    public String providerInUse() {
        return material.providerName();
    }

    /** This side's certificate chain (leaf first), when key material is configured. */
    public List<X509Certificate> certificateChain() {
        return material.certificateChain();
    }

    /**
     * Whether key material (a certificate and private key) is configured. With {@link Builder#sslContext} it is
     * assumed to be: the context's key managers are its own.
     */
    public boolean hasKeyMaterial() {
        return !material.certificateChain().isEmpty() || material.applicationContext();
    }

    /** Describes the configured trust, for messages: which files or stores, how many CAs. */
    public String trustDescription() {
        return material.trustDescription();
    }

    /** Every file this config was read from; a {@link ReloadingTlsConfig} watches them. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>(trust.files());
        if (keySource != null) {
            files.addAll(keySource.files());
        }
        return List.copyOf(files);
    }

    TlsMaterial material() {
        return material;
    }

    @Override
    public String toString() {
        return "TlsConfig[protocols=" + protocols + ", cipherSuites=" + (cipherSuites.isEmpty()
                ? (legacyCbc ? "Tether defaults + legacy CBC" : "Tether defaults (AEAD only)") : cipherSuites)
                + ", trust=" + trustDescription() + ", keyMaterial=" + (keySource != null ? keySource
                        : standardInputs.keyDescription() != null ? standardInputs.keyDescription() : "none")
                + ", hostnameVerification=" + hostnameVerification + ", pins=" + pins.size()
                + ", alpn=" + applicationProtocols + ", sessionResumption=" + sessionResumption
                + ", handshakeTimeout=" + handshakeTimeout + ", closeNotifyTimeout=" + closeNotifyTimeout
                + ", clientAuth=" + clientAuth + ", revocation=" + revocation + ", provider=" + provider
                + ", chainValidationCache=" + (chainValidationCache.enabled() ? chainValidationCache.ttl() : "off")
                + "]";
    }

    /**
     * Builds a {@link TlsConfig}. Setters check their arguments at once; {@link #build()} loads the files.
     * Trust settings add up: each trust method adds CAs, and the system trust store is used only when no
     * other trust is given (or {@link #trustSystemDefault()} is called as well). Key material settings
     * replace each other: the last one wins.
     */
    public static final class Builder {
        private List<String> protocols = new ArrayList<>(SUPPORTED_PROTOCOLS);
        private List<String> cipherSuites = new ArrayList<>();
        private TrustSource.Builder trust = TrustSource.builder();
        private KeySource keySource;
        private boolean hostnameVerification = true;
        private Set<String> pins = new LinkedHashSet<>();
        private List<String> applicationProtocols = new ArrayList<>();
        private boolean sessionResumption = true;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration closeNotifyTimeout = Duration.ofSeconds(1);
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean legacyCbc;
        private RevocationMode revocation = RevocationMode.OFF;
        private Duration revocationTimeout = Duration.ofSeconds(5);
        private StandardInputs standardInputs = StandardInputs.NONE;
        private KeyManagerFactory keyManagerFactory;
        private TrustManagerFactory trustManagerFactory;
        private TlsProvider provider = TlsProvider.defaultProvider();
        private Duration chainValidationCacheTtl = ChainValidationCache.DEFAULT_TTL;
        private Clock chainCacheWallClock = Clock.systemUTC();
        private LongSupplier chainCacheNanoClock = System::nanoTime;
        private UnaryOperator<X509ExtendedTrustManager> pkixSeam = UnaryOperator.identity();

        private Builder() {
        }

        /**
         * How long a successful validation of a peer's certificate chain against the trust (the JDK's PKIX path
         * validation, about 0.1-0.2 ms of CPU per side and handshake) is remembered, so that handshakes presenting
         * the very same chain skip it; one minute by default, {@link Duration#ZERO} turns it off, at most an hour.
         *
         * <p>Only the path validation is remembered, and only its successes: the leaf's dates, the server's name,
         * pins and revocation are checked on every handshake; a hit needs the same certificates byte for byte, in
         * the same role, auth type and protocol, and every certificate (and the CA above it) within its dates at
         * the time of the hit. Each loaded trust (each {@link #build()}, each reload) starts with an empty cache.
         * It applies to trust configured here, not to an application's {@link #trustManager}.
         */
        public Builder chainValidationCache(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.compareTo(ChainValidationCache.MAX_TTL) > 0) {
                throw new TlsConfigException("chainValidationCache must be between 0 (off) and "
                        + ChainValidationCache.MAX_TTL + ": " + ttl);
            }
            chainValidationCacheTtl = ttl;
            return this;
        }

        /**
         * Test seam: the clocks the chain validation cache (and Tether's date checks) use, and a wrapper around
         * the JDK's PKIX trust manager (to count validations). Kept by {@link TlsConfig#toBuilder()}, so reloads
         * keep them too.
         */
        Builder chainValidationSeams(Clock wallClock, LongSupplier nanoClock,
                                     UnaryOperator<X509ExtendedTrustManager> pkix) {
            chainCacheWallClock = Objects.requireNonNull(wallClock, "wallClock");
            chainCacheNanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            pkixSeam = Objects.requireNonNull(pkix, "pkix");
            return this;
        }

        /**
         * The TLS implementation: {@link TlsProvider#JDK} (the default, unless the system property
         * {@value TlsProvider#DEFAULT_PROPERTY} says otherwise), {@link TlsProvider#OPENSSL} (needs the
         * {@code sdk-tls-openssl} module; {@link #build()} fails with {@link TlsProviderUnavailableException}
         * when it cannot run) or {@link TlsProvider#PREFER_OPENSSL}.
         */
        public Builder provider(TlsProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /** Protocol versions to enable: {@code TLSv1.3} and/or {@code TLSv1.2}. */
        public Builder protocols(String... protocols) {
            Objects.requireNonNull(protocols, "protocols");
            if (protocols.length == 0) {
                throw new TlsConfigException("protocols must not be empty; supported: " + SUPPORTED_PROTOCOLS);
            }
            List<String> list = new ArrayList<>();
            for (String p : protocols) {
                Objects.requireNonNull(p, "protocol");
                if (!SUPPORTED_PROTOCOLS.contains(p)) {
                    throw new TlsConfigException("protocol not supported: '" + p + "'; Tether allows only "
                            + SUPPORTED_PROTOCOLS);
                }
                if (!list.contains(p)) {
                    list.add(p);
                }
            }
            this.protocols = list;
            return this;
        }

        /**
         * Lets the default suites fall back to {@link #LEGACY_CBC_CIPHER_SUITES} (TLS 1.2 ECDHE with AES-CBC),
         * for peers that cannot do AES-GCM or ChaCha20-Poly1305. Risk: CBC suites have a long history of
         * padding-oracle and timing attacks (Lucky13 and its kin); scanners flag them. AEAD suites stay
         * preferred. Has no effect when {@link #cipherSuites} lists suites explicitly.
         */
        public Builder allowLegacyCbcCipherSuites() {
            legacyCbc = true;
            return this;
        }

        /**
         * For clients: checks whether the server's certificate was revoked, using a stapled OCSP response when
         * the server sends one, else OCSP or a CRL from the certificate's own URLs (see {@link RevocationMode}).
         */
        public Builder revocation(RevocationMode mode) {
            revocation = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** The longest one OCSP or CRL fetch may take while checking revocation; 5s by default. */
        public Builder revocationTimeout(Duration timeout) {
            revocationTimeout = positive("revocationTimeout", timeout);
            return this;
        }

        /** Cipher suites to enable, replacing Tether's defaults; each must be one the JDK supports. */
        public Builder cipherSuites(String... suites) {
            Objects.requireNonNull(suites, "suites");
            if (suites.length == 0) {
                throw new TlsConfigException("cipherSuites must not be empty; leave it unset for Tether's defaults");
            }
            List<String> supported = TlsMaterial.supportedCipherSuites();
            List<String> list = new ArrayList<>();
            for (String s : suites) {
                Objects.requireNonNull(s, "cipher suite");
                if (!supported.contains(s)) {
                    throw new TlsConfigException("cipher suite not supported by this JDK: '" + s + "'");
                }
                if (!list.contains(s)) {
                    list.add(s);
                }
            }
            this.cipherSuites = list;
            return this;
        }

        /** Also trusts the CAs of the JDK's default trust store (the default when nothing else is trusted). */
        public Builder trustSystemDefault() {
            trust.system();
            return this;
        }

        /** Trusts the CA certificates in a PEM bundle file (for example {@code ca.crt}). */
        public Builder trustPemFile(Path caBundle) {
            trust.pemFile(Objects.requireNonNull(caBundle, "caBundle"));
            return this;
        }

        /** Trusts the certificate entries of a PKCS#12 or JKS trust store (the type is detected). */
        public Builder trustStore(Path store, char[] password) {
            trust.store(Objects.requireNonNull(store, "store"), password);
            return this;
        }

        /** Trusts these CA certificates. */
        public Builder trustCertificates(X509Certificate... certificates) {
            return trustCertificates(Arrays.asList(certificates));
        }

        /** Trusts these CA certificates. */
        public Builder trustCertificates(List<X509Certificate> certificates) {
            Objects.requireNonNull(certificates, "certificates");
            if (certificates.isEmpty()) {
                throw new TlsConfigException("trustCertificates needs at least one certificate");
            }
            certificates.forEach(c -> Objects.requireNonNull(c, "certificate"));
            trust.certificates(certificates);
            return this;
        }

        /**
         * Key material from PEM files: the certificate chain (leaf first) and an unencrypted private key
         * (PKCS#8, PKCS#1 RSA or SEC1 EC). Both may be the same file.
         */
        public Builder keyMaterial(Path certificateChain, Path privateKey) {
            return keyMaterial(certificateChain, privateKey, null);
        }

        /** Key material from PEM files with an encrypted private key; {@code password} may be null. */
        public Builder keyMaterial(Path certificateChain, Path privateKey, char[] password) {
            keySource = KeySource.pem(Objects.requireNonNull(certificateChain, "certificateChain"),
                    Objects.requireNonNull(privateKey, "privateKey"), password);
            return this;
        }

        /** Key material from a PKCS#12 or JKS key store holding exactly one private key entry. */
        public Builder keyStore(Path store, char[] password) {
            keySource = KeySource.store(Objects.requireNonNull(store, "store"), password, null);
            return this;
        }

        /** Key material from the entry {@code alias} of a PKCS#12 or JKS key store. */
        public Builder keyStore(Path store, char[] password, String alias) {
            keySource = KeySource.store(Objects.requireNonNull(store, "store"), password,
                    Objects.requireNonNull(alias, "alias"));
            return this;
        }

        /** Key material held in memory: a private key and its certificate chain, leaf first. */
        public Builder keyMaterial(PrivateKey key, List<X509Certificate> chain) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(chain, "chain");
            if (chain.isEmpty()) {
                throw new TlsConfigException("key material needs at least the leaf certificate");
            }
            keySource = KeySource.memory(key, chain);
            return this;
        }

        /** Removes key material set earlier. */
        public Builder noKeyMaterial() {
            keySource = null;
            keyManagerFactory = null;
            standardInputs = standardInputs.withoutKeyManager();
            return this;
        }

        /**
         * Uses an {@link SSLContext} the application built (a Spring Boot SSL bundle's, a PKCS#11 or HSM setup,
         * sslcontext-kickstart's) for key material and trust, in place of every key and trust setting here.
         * Protocols, cipher suites, ALPN and SNI still apply, and so does hostname verification, done by the
         * JDK's {@code HTTPS} endpoint identification since Tether's own check cannot sit inside the context.
         * Certificate pins cannot be applied ({@link #build()} refuses them): give the context's trust manager
         * with {@link #trustManager} instead. Sessions are cached in the context, shared with its other users.
         *
         * <p>Hot reload: the context is used as given for every new connection; a {@link ReloadingTlsConfig}
         * has no files to watch for it. A context whose managers swap their material themselves takes effect
         * on the next handshake; otherwise build a new {@code TlsConfig}.
         */
        public Builder sslContext(SSLContext context) {
            Objects.requireNonNull(context, "context");
            standardInputs = standardInputs.withContext(context, "an SSLContext from the application ("
                    + context.getProtocol() + ", provider " + context.getProvider().getName() + ")");
            keySource = null;
            keyManagerFactory = null;
            trustManagerFactory = null;
            return this;
        }

        /**
         * Key material from the application's key manager (for example one backed by an HSM or a Vault
         * agent), in place of {@link #keyMaterial}/{@link #keyStore}. It is asked on every handshake, so one that
         * swaps its certificate is picked up by the next new connection without a reload; a plain
         * {@link X509KeyManager} is adapted so that it also answers on an {@code SSLEngine}.
         */
        public Builder keyManager(X509KeyManager keyManager) {
            Objects.requireNonNull(keyManager, "keyManager");
            standardInputs = standardInputs.withKeyManager(keyManager, "key manager "
                    + keyManager.getClass().getName());
            keySource = null;
            keyManagerFactory = null;
            return this;
        }

        /**
         * Key material from an initialised {@link KeyManagerFactory}: its first {@link X509KeyManager}, taken
         * when {@link #build()} runs. Hot reload: {@link ReloadingTlsConfig#checkNow()} takes it again only
         * when a watched file changed; re-initialising the factory does nothing on its own.
         */
        public Builder keyManagerFactory(KeyManagerFactory factory) {
            Objects.requireNonNull(factory, "factory");
            keyManager(firstX509(factory.getKeyManagers(), X509KeyManager.class, "KeyManagerFactory "
                    + factory.getAlgorithm()));
            keyManagerFactory = factory;
            return this;
        }

        /**
         * Trust from the application's trust manager, in place of every other trust setting (it cannot be
         * combined with {@link #trustPemFile} and the like). Tether still checks validity dates, the server's
         * name and pins on top of it. It is asked on every handshake, so one that changes its CAs takes effect
         * on the next new connection without a reload.
         */
        public Builder trustManager(X509TrustManager trustManager) {
            Objects.requireNonNull(trustManager, "trustManager");
            standardInputs = standardInputs.withTrustManager(trustManager, "trust manager "
                    + trustManager.getClass().getName());
            trustManagerFactory = null;
            return this;
        }

        /**
         * Trust from an initialised {@link TrustManagerFactory}: its first {@link X509TrustManager}, taken when
         * {@link #build()} runs; otherwise as {@link #trustManager}. Hot reload as for
         * {@link #keyManagerFactory}.
         */
        public Builder trustManagerFactory(TrustManagerFactory factory) {
            Objects.requireNonNull(factory, "factory");
            trustManager(firstX509(factory.getTrustManagers(), X509TrustManager.class, "TrustManagerFactory "
                    + factory.getAlgorithm()));
            trustManagerFactory = factory;
            return this;
        }

        private static <T> T firstX509(Object[] managers, Class<T> type, String what) {
            if (managers != null) {
                for (Object m : managers) {
                    if (type.isInstance(m)) {
                        return type.cast(m);
                    }
                }
            }
            throw new TlsConfigException(what + " has no " + type.getSimpleName() + "; is it initialised?");
        }

        /** The standard inputs, with factories asked again (a reload goes through here). */
        private StandardInputs standardInputs() {
            StandardInputs std = standardInputs;
            if (keyManagerFactory != null) {
                std = std.withKeyManager(firstX509(keyManagerFactory.getKeyManagers(), X509KeyManager.class,
                        "KeyManagerFactory " + keyManagerFactory.getAlgorithm()), std.keyDescription());
            }
            if (trustManagerFactory != null) {
                std = std.withTrustManager(firstX509(trustManagerFactory.getTrustManagers(), X509TrustManager.class,
                        "TrustManagerFactory " + trustManagerFactory.getAlgorithm()), std.trustDescription());
            }
            if ((std.context() != null || std.trustManager() != null) && !trust.build().isDefault()) {
                throw new TlsConfigException((std.context() != null ? "sslContext" : "trustManager")
                        + " replaces Tether's trust settings and cannot be combined with trustPemFile, trustStore or"
                        + " trustCertificates");
            }
            if (std.context() != null && keySource != null) {
                throw new TlsConfigException("sslContext brings its own key material and cannot be combined with"
                        + " keyMaterial or keyStore");
            }
            if (std.keyManager() != null && keySource != null) {
                throw new TlsConfigException("keyManager cannot be combined with keyMaterial or keyStore; use one");
            }
            return std;
        }

        /**
         * Accepts any server name on a trusted certificate. Only for tests and for networks where names
         * cannot be known; it lets anyone holding any trusted certificate impersonate the server.
         */
        public Builder insecureDisableHostnameVerification() {
            hostnameVerification = false;
            return this;
        }

        /** Verifies server names again after {@link #insecureDisableHostnameVerification()}. */
        public Builder verifyHostname() {
            hostnameVerification = true;
            return this;
        }

        /**
         * Requires that some certificate of the server's verified chain has one of these SPKI SHA-256 pins,
         * on top of normal validation. Give several to allow a key rotation. Pins add up across calls.
         */
        public Builder pins(String... pins) {
            Objects.requireNonNull(pins, "pins");
            for (String pin : pins) {
                this.pins.add(CertificatePins.normalize(pin));
            }
            return this;
        }

        /** ALPN protocols in preference order (for example {@code h2}, {@code http/1.1}). */
        public Builder applicationProtocols(String... protocols) {
            Objects.requireNonNull(protocols, "protocols");
            List<String> list = new ArrayList<>();
            for (String p : protocols) {
                Objects.requireNonNull(p, "application protocol");
                int bytes = p.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (bytes == 0 || bytes > 255) {
                    throw new TlsConfigException("ALPN protocol must be 1..255 bytes: '" + p + "'");
                }
                list.add(p);
            }
            applicationProtocols = list;
            return this;
        }

        /** Whether clients offer to resume sessions; on by default. */
        public Builder sessionResumption(boolean on) {
            sessionResumption = on;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            handshakeTimeout = positive("handshakeTimeout", timeout);
            return this;
        }

        public Builder closeNotifyTimeout(Duration timeout) {
            closeNotifyTimeout = positive("closeNotifyTimeout", timeout);
            return this;
        }

        /** For servers: whether to ask clients for a certificate. */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /** The files {@link #build()} will read, without reading them; the same list as {@link TlsConfig#files()}. */
        List<Path> files() {
            List<Path> files = new ArrayList<>(trust.build().files());
            if (keySource != null) {
                files.addAll(keySource.files());
            }
            return List.copyOf(files);
        }

        /**
         * Reads the configured files and builds the config.
         *
         * @throws TlsConfigException naming the file or setting when material cannot be read or used
         */
        public TlsConfig build() {
            return new TlsConfig(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new TlsConfigException(name + " must be positive: " + d);
            }
            return d;
        }
    }

    /** Used by {@link ReloadingTlsConfig} to describe the leaf for expiry warnings. */
    Optional<X509Certificate> leafCertificate() {
        List<X509Certificate> chain = material.certificateChain();
        return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0));
    }
}
