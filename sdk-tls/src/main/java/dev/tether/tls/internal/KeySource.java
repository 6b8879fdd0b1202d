package dev.tether.tls.internal;

import dev.tether.tls.TlsConfigException;
import dev.tether.tls.cert.Keys;
import dev.tether.tls.cert.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where this side's certificate and private key come from. Passwords are copied and kept only to read the
 * files again on reload; they never appear in {@link #toString()} or messages.
 */
public abstract class KeySource {

    /** A private key with its certificate chain, leaf first. */
    public record Loaded(PrivateKey key, List<X509Certificate> chain) {
    }

    public static KeySource pem(Path chain, Path key, char[] password) {
        return new PemFiles(chain, key, password == null ? null : password.clone());
    }

    public static KeySource store(Path store, char[] password, String alias) {
        return new StoreFile(store, password == null ? null : password.clone(), alias);
    }

    public static KeySource memory(PrivateKey key, List<X509Certificate> chain) {
        return new InMemory(new Loaded(key, List.copyOf(chain)));
    }

    public abstract Loaded load();

    public abstract List<Path> files();

    private static final class PemFiles extends KeySource {
        private final Path chainFile;
        private final Path keyFile;
        private final char[] password;

        PemFiles(Path chainFile, Path keyFile, char[] password) {
            this.chainFile = chainFile;
            this.keyFile = keyFile;
            this.password = password;
        }

        @Override
        public Loaded load() {
            List<X509Certificate> chain;
            try {
                chain = Pem.readCertificates(chainFile);
            } catch (IOException e) {
                throw new TlsConfigException("cannot read certificate chain " + chainFile + ": " + e.getMessage(), e);
            }
            PrivateKey key;
            try {
                key = Pem.readPrivateKey(keyFile, password);
                Keys.requireMatch(key, chain.get(0), keyFile.toString());
            } catch (IOException e) {
                throw new TlsConfigException("cannot use private key " + keyFile + ": " + e.getMessage(), e);
            }
            return new Loaded(key, chain);
        }

        @Override
        public List<Path> files() {
            return chainFile.equals(keyFile) ? List.of(chainFile) : List.of(chainFile, keyFile);
        }

        @Override
        public String toString() {
            return "pem:" + chainFile + (chainFile.equals(keyFile) ? "" : "+" + keyFile)
                    + (password == null ? "" : " (encrypted key)");
        }
    }

    private static final class StoreFile extends KeySource {
        private final Path store;
        private final char[] password;
        private final String alias;

        StoreFile(Path store, char[] password, String alias) {
            this.store = store;
            this.password = password;
            this.alias = alias;
        }

        @Override
        public Loaded load() {
            KeyStore ks = Stores.open(store, password, "key store");
            try {
                String chosen = alias;
                if (chosen == null) {
                    List<String> keyAliases = new ArrayList<>();
                    for (String a : Collections.list(ks.aliases())) {
                        if (ks.isKeyEntry(a)) {
                            keyAliases.add(a);
                        }
                    }
                    if (keyAliases.size() != 1) {
                        throw new TlsConfigException("key store " + store + " must hold exactly one private key entry "
                                + "when no alias is given, found " + keyAliases.size() + " " + keyAliases
                                + "; name one with keyStore(path, password, alias)");
                    }
                    chosen = keyAliases.get(0);
                } else if (!ks.isKeyEntry(chosen)) {
                    throw new TlsConfigException("key store " + store + " has no private key entry '" + chosen
                            + "'; entries: " + Collections.list(ks.aliases()));
                }
                Key key = ks.getKey(chosen, password);
                if (!(key instanceof PrivateKey pk)) {
                    throw new TlsConfigException("key store " + store + " entry '" + chosen + "' is not a private key");
                }
                Certificate[] certs = ks.getCertificateChain(chosen);
                List<X509Certificate> chain = new ArrayList<>();
                if (certs != null) {
                    for (Certificate c : certs) {
                        chain.add((X509Certificate) c);
                    }
                }
                if (chain.isEmpty()) {
                    throw new TlsConfigException("key store " + store + " entry '" + chosen + "' has no certificate chain");
                }
                return new Loaded(pk, chain);
            } catch (GeneralSecurityException e) {
                throw new TlsConfigException("cannot read the private key from key store " + store
                        + " (wrong key password?): " + e.getMessage(), e);
            }
        }

        @Override
        public List<Path> files() {
            return List.of(store);
        }

        @Override
        public String toString() {
            return "store:" + store + (alias == null ? "" : "#" + alias);
        }
    }

    private static final class InMemory extends KeySource {
        private final Loaded loaded;

        InMemory(Loaded loaded) {
            this.loaded = loaded;
        }

        @Override
        public Loaded load() {
            try {
                Keys.requireMatch(loaded.key(), loaded.chain().get(0), "in-memory key material");
            } catch (IOException e) {
                throw new TlsConfigException(e.getMessage(), e);
            }
            return loaded;
        }

        @Override
        public List<Path> files() {
            return List.of();
        }

        @Override
        public String toString() {
            return "in-memory (" + loaded.chain().get(0).getSubjectX500Principal().getName() + ")";
        }
    }
}
