package dev.tether.tls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the one configured certificate whenever the peer accepts its key type. Unlike the JDK's key
 * managers it does not withhold the certificate when its issuer is missing from the server's list of
 * acceptable CAs (as curl and OpenSSL behave), so a mismatch shows up as a clear rejection by the server
 * instead of a silent "no certificate". Also records that the server asked for a certificate.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "tether";

    private final PrivateKey key;
    private final X509Certificate[] chain;
    private final String keyType;

    /** {@code key} may be null: then no certificate is ever presented. */
    SingleKeyManager(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = chain.toArray(new X509Certificate[0]);
        this.keyType = key == null ? null : normalize(key.getAlgorithm());
    }

    private static String normalize(String algorithm) {
        String a = algorithm.toUpperCase(Locale.ROOT);
        return switch (a) {
            case "ECDSA" -> "EC";
            case "ED25519", "ED448" -> "EDDSA";
            default -> a;
        };
    }

    private boolean accepts(String type) {
        if (key == null || type == null) {
            return false;
        }
        String t = normalize(type);
        // Static ECDH suites ask for "EC_EC"/"EC_RSA": the key type before the underscore.
        int underscore = t.indexOf('_');
        return keyType.equals(underscore > 0 ? t.substring(0, underscore) : t);
    }

    private String choose(String[] types) {
        HandshakeObserver observer = HandshakeObserver.current();
        if (observer != null) {
            observer.markCertificateRequested();
        }
        if (types != null) {
            for (String t : types) {
                if (accepts(t)) {
                    return ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return accepts(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return accepts(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return accepts(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return accepts(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) && key != null ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
