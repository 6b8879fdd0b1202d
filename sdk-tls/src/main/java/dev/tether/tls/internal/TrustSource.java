package dev.tether.tls.internal;

import dev.tether.tls.TlsConfigException;
import dev.tether.tls.cert.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Where trusted CA certificates come from: the recipe kept in a config, loaded again on every reload. */
public final class TrustSource {
    private final boolean system;
    private final List<Path> pemFiles;
    private final List<StoreRef> stores;
    private final List<X509Certificate> certificates;

    private TrustSource(Builder b) {
        boolean anyExplicit = !b.pemFiles.isEmpty() || !b.stores.isEmpty() || !b.certificates.isEmpty();
        system = b.system || !anyExplicit;
        pemFiles = List.copyOf(b.pemFiles);
        stores = List.copyOf(b.stores);
        certificates = List.copyOf(b.certificates);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.system = system && (!pemFiles.isEmpty() || !stores.isEmpty() || !certificates.isEmpty());
        b.pemFiles.addAll(pemFiles);
        b.stores.addAll(stores);
        b.certificates.addAll(certificates);
        return b;
    }

    /** True when no trust was configured, so the JDK default trust store would be used. */
    public boolean isDefault() {
        return pemFiles.isEmpty() && stores.isEmpty() && certificates.isEmpty();
    }

    public List<Path> files() {
        List<Path> files = new ArrayList<>(pemFiles);
        stores.forEach(s -> files.add(s.path()));
        return files;
    }

    /** The loaded trust: a PKIX trust manager over the union of all sources, and a description for messages. */
    public record Loaded(X509ExtendedTrustManager trustManager, String description) {
    }

    /** Reads every source. */
    public Loaded load() {
        if (pemFiles.isEmpty() && stores.isEmpty() && certificates.isEmpty()) {
            X509ExtendedTrustManager tm = trustManager(null);
            return new Loaded(tm, "the JDK default trust store (" + tm.getAcceptedIssuers().length + " CAs)");
        }
        List<X509Certificate> anchors = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        if (system) {
            X509Certificate[] sys = trustManager(null).getAcceptedIssuers();
            anchors.addAll(Arrays.asList(sys));
            parts.add("the JDK default trust store (" + sys.length + " CAs)");
        }
        for (Path file : pemFiles) {
            List<X509Certificate> certs;
            try {
                certs = Pem.readCertificates(file);
            } catch (IOException e) {
                throw new TlsConfigException("cannot read CA bundle " + file + ": " + e.getMessage(), e);
            }
            anchors.addAll(certs);
            parts.add("CA file " + file + " (" + describe(certs) + ")");
        }
        for (StoreRef store : stores) {
            List<X509Certificate> certs = store.trustedCertificates();
            anchors.addAll(certs);
            parts.add("trust store " + store.path() + " (" + describe(certs) + ")");
        }
        if (!certificates.isEmpty()) {
            anchors.addAll(certificates);
            parts.add("in-memory certificates (" + describe(certificates) + ")");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate anchor : anchors) {
                ks.setCertificateEntry("ca-" + i++, anchor);
            }
            return new Loaded(trustManager(ks), String.join(" + ", parts));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException("cannot build the trust store: " + e.getMessage(), e);
        }
    }

    static String describe(List<X509Certificate> certs) {
        String names = certs.stream().limit(3).map(c -> c.getSubjectX500Principal().getName())
                .collect(Collectors.joining("; "));
        return certs.size() + (certs.size() == 1 ? " certificate: " : " certificates: ") + names
                + (certs.size() > 3 ? "; ..." : "");
    }

    private static X509ExtendedTrustManager trustManager(KeyStore ks) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new TlsConfigException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("cannot initialise the trust manager: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (system) {
            parts.add("system");
        }
        pemFiles.forEach(f -> parts.add("pem:" + f));
        stores.forEach(s -> parts.add("store:" + s.path()));
        if (!certificates.isEmpty()) {
            parts.add(certificates.size() + " in-memory");
        }
        return String.join(" + ", parts);
    }

    /** A trust or key store file and its password (kept only to read the file again on reload). */
    record StoreRef(Path path, char[] password) {
        List<X509Certificate> trustedCertificates() {
            KeyStore ks = Stores.open(path, password, "trust store");
            try {
                List<X509Certificate> certs = new ArrayList<>();
                for (String alias : Collections.list(ks.aliases())) {
                    Certificate c = ks.isCertificateEntry(alias) ? ks.getCertificate(alias) : null;
                    if (c instanceof X509Certificate x) {
                        certs.add(x);
                    }
                }
                if (certs.isEmpty()) {
                    throw new TlsConfigException("trust store " + path + " holds no trusted certificate entry "
                            + "(only key entries?); import the CA with keytool -importcert");
                }
                return certs;
            } catch (GeneralSecurityException e) {
                throw new TlsConfigException("cannot read trust store " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** Collects trust sources; see {@link dev.tether.tls.TlsConfig.Builder}. */
    public static final class Builder {
        private boolean system;
        private final List<Path> pemFiles = new ArrayList<>();
        private final List<StoreRef> stores = new ArrayList<>();
        private final List<X509Certificate> certificates = new ArrayList<>();

        public void system() {
            system = true;
        }

        public void pemFile(Path file) {
            pemFiles.add(file);
        }

        public void store(Path file, char[] password) {
            stores.add(new StoreRef(file, password == null ? null : password.clone()));
        }

        public void certificates(List<X509Certificate> certs) {
            certificates.addAll(certs);
        }

        public TrustSource build() {
            return new TrustSource(this);
        }
    }
}
