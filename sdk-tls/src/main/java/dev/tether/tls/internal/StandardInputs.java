package dev.tether.tls.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS material an application built itself with the JDK's types (an {@link SSLContext}, key or trust managers),
 * as Spring Boot SSL bundles, PKCS#11 setups and Vault agents hand them out. Any part may be null.
 */
public record StandardInputs(SSLContext context, X509ExtendedKeyManager keyManager,
                             X509ExtendedTrustManager trustManager, String keyDescription,
                             String trustDescription) {
    /** No standard inputs: Tether builds everything from its own settings. */
    public static final StandardInputs NONE = new StandardInputs(null, null, null, null, null);

    /** Only {@code c}: it replaces key and trust managers given before. */
    public StandardInputs withContext(SSLContext c, String what) {
        return new StandardInputs(c, null, null, what, what);
    }

    /** {@code km} for the key side; an SSLContext given before is dropped. */
    public StandardInputs withKeyManager(X509KeyManager km, String what) {
        return new StandardInputs(null, extended(km), trustManager, what, trustDescription);
    }

    /** {@code tm} for the trust side; an SSLContext given before is dropped. */
    public StandardInputs withTrustManager(X509TrustManager tm, String what) {
        return new StandardInputs(null, keyManager, extended(tm), keyDescription, what);
    }

    public StandardInputs withoutKeyManager() {
        return new StandardInputs(context, null, trustManager, null, trustDescription);
    }

    /**
     * The chain a key manager would present, leaf first, found by asking it for an alias of each common key
     * type (server aliases first: a server needs one). Empty when it holds none.
     */
    public List<X509Certificate> chainOf() {
        if (keyManager == null) {
            return List.of();
        }
        for (String type : List.of("EC", "RSA", "RSASSA-PSS", "EdDSA", "Ed25519", "DSA")) {
            List<String> aliases = new ArrayList<>();
            String[] server = keyManager.getServerAliases(type, null);
            String[] client = keyManager.getClientAliases(type, null);
            if (server != null) {
                aliases.addAll(Arrays.asList(server));
            }
            if (client != null) {
                aliases.addAll(Arrays.asList(client));
            }
            for (String alias : aliases) {
                X509Certificate[] chain = keyManager.getCertificateChain(alias);
                if (chain != null && chain.length > 0) {
                    return List.of(chain);
                }
            }
        }
        return List.of();
    }

    /**
     * The JDK hands a plain {@link X509KeyManager} nothing in its SSLEngine methods (so no certificate would be
     * sent); this adapter answers them with the socket-less methods.
     */
    static X509ExtendedKeyManager extended(X509KeyManager km) {
        if (km instanceof X509ExtendedKeyManager x) {
            return x;
        }
        return new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return km.getClientAliases(keyType, issuers);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return km.chooseClientAlias(keyType, issuers, socket);
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return km.chooseClientAlias(keyType, issuers, null);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return km.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return km.chooseServerAlias(keyType, issuers, socket);
            }

            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                return km.chooseServerAlias(keyType, issuers, null);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return km.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return km.getPrivateKey(alias);
            }
        };
    }

    /**
     * A plain {@link X509TrustManager} as an extended one. Tether's own policy (dates, host name, pins) wraps it
     * either way; this only lets the engine call it.
     */
    static X509ExtendedTrustManager extended(X509TrustManager tm) {
        if (tm instanceof X509ExtendedTrustManager x) {
            return x;
        }
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                tm.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                tm.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                tm.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                tm.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                tm.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                tm.checkServerTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return tm.getAcceptedIssuers();
            }
        };
    }
}
