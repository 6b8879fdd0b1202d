package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TlsConfig fed the JDK's standard types (SSLContext, KeyManagerFactory/X509KeyManager,
 * TrustManagerFactory/X509TrustManager), as Spring Boot SSL bundles and HSM setups hand them out: real handshakes
 * against Tether's server requiring a client certificate, with Tether's hostname, pin and protocol choices
 * still applied where the source allows.
 */
class StandardTlsInputsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    static CertSet certs;
    static TlsEchoServer server;

    @BeforeAll
    static void start() {
        certs = CertSet.create(dir);
        server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static KeyManagerFactory keyManagerFactory(HeldCertificate held) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", held.privateKey(), PASSWORD, held.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return kmf;
    }

    static TrustManagerFactory trustManagerFactory(X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    static SSLContext context(HeldCertificate key, X509Certificate ca) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagerFactory(key).getKeyManagers(), trustManagerFactory(ca).getTrustManagers(), null);
        return context;
    }

    private static String echo(TlsConfig config, Endpoint endpoint) throws Exception {
        try (TlsConnection c = new TlsConnector(SocketConnector.create(), config)
                .connect(endpoint, Deadline.after(Duration.ofSeconds(10)))) {
            c.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
            ByteBuffer in = ByteBuffer.allocate(64);
            while (in.position() < 5) {
                c.read(in, Deadline.after(Duration.ofSeconds(5)));
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII) + " " + c.protocol();
        }
    }

    @Test
    void keyAndTrustManagerFactoriesMakeAMutualTlsConnection() throws Exception {
        TlsConfig config = TlsConfig.builder()
                .keyManagerFactory(keyManagerFactory(certs.client()))
                .trustManagerFactory(trustManagerFactory(certs.ca().certificate()))
                .build();
        assertThat(config.hasKeyMaterial()).isTrue();
        assertThat(config.certificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tether-client");
        assertThat(echo(config, server.localhostEndpoint())).startsWith("ping\n");
        assertThat(server.lastClientChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tether-client");
    }

    @Test
    void aPlainX509KeyManagerStillPresentsItsCertificateOverSslEngine() throws Exception {
        // A key manager that is not an X509ExtendedKeyManager: the JDK alone would send no certificate on an engine.
        X509KeyManager jdk = (X509KeyManager) keyManagerFactory(certs.client()).getKeyManagers()[0];
        X509KeyManager plain = new X509KeyManager() {
            @Override public String[] getClientAliases(String t, Principal[] i) { return jdk.getClientAliases(t, i); }
            @Override public String chooseClientAlias(String[] t, Principal[] i, Socket s) { return jdk.chooseClientAlias(t, i, s); }
            @Override public String[] getServerAliases(String t, Principal[] i) { return jdk.getServerAliases(t, i); }
            @Override public String chooseServerAlias(String t, Principal[] i, Socket s) { return jdk.chooseServerAlias(t, i, s); }
            @Override public X509Certificate[] getCertificateChain(String a) { return jdk.getCertificateChain(a); }
            @Override public PrivateKey getPrivateKey(String a) { return jdk.getPrivateKey(a); }
        };
        TlsConfig config = certs.clientConfig().noKeyMaterial().keyManager(plain).build();
        assertThat(echo(config, server.localhostEndpoint())).startsWith("ping\n");
        assertThat(server.lastClientChain()).isNotEmpty();
    }

    @Test
    void aTrustManagerStillGetsTethersHostnameCheckAndPins() throws Exception {
        X509TrustManager tm = (X509TrustManager) trustManagerFactory(certs.ca().certificate()).getTrustManagers()[0];
        TlsConfig.Builder base = TlsConfig.builder().keyMaterial(certs.clientCertFile(), certs.clientKeyFile())
                .trustManager(tm);
        Endpoint wrongName = server.endpoint().withServerName("not-the-server.example");
        assertThatThrownBy(() -> echo(base.build(), wrongName)).isInstanceOf(HostnameMismatchException.class);

        String otherPin = CertificatePins.sha256(CertSet.create(dir.resolve("other"), "Other CA").server().certificate());
        assertThatThrownBy(() -> echo(base.pins(otherPin).build(), server.localhostEndpoint()))
                .isInstanceOf(PinMismatchException.class);
    }

    @Test
    void anSslContextIsUsedAsGivenWithProtocolChoiceAndTheJdksHostnameCheck() throws Exception {
        SSLContext context = context(certs.client(), certs.ca().certificate());
        // An application's SSLContext runs on the JDK's TLS only (refused with OPENSSL): named here so the test
        // means the same in the OpenSSL run of this suite.
        TlsConfig tls12 = TlsConfig.builder().provider(TlsProvider.JDK).sslContext(context).protocols("TLSv1.2").build();
        assertThat(echo(tls12, server.localhostEndpoint())).isEqualTo("ping\n TLSv1.2");
        assertThat(server.lastClientChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tether-client");

        TlsConfig defaults = TlsConfig.builder().provider(TlsProvider.JDK).sslContext(context).build();
        assertThatThrownBy(() -> echo(defaults, server.endpoint().withServerName("not-the-server.example")))
                .isInstanceOf(TlsHandshakeException.class);
    }

    @Test
    void anSslContextServesTheServerSide() throws Exception {
        TlsConfig serverTls = TlsConfig.builder().provider(TlsProvider.JDK)
                .sslContext(context(certs.server(), certs.ca().certificate()))
                .clientAuth(ClientAuth.REQUIRED).build();
        assertThat(serverTls.hasKeyMaterial()).isTrue();
        try (TlsEchoServer contextServer = TlsEchoServer.start(serverTls)) {
            assertThat(echo(certs.mutualClientConfig().build(), contextServer.localhostEndpoint())).startsWith("ping\n");
            assertThat(contextServer.lastClientChain()).isNotEmpty();
        }
    }

    @Test
    void combinationsThatCannotWorkAreRefusedAtBuild() throws Exception {
        SSLContext context = context(certs.client(), certs.ca().certificate());
        X509TrustManager tm = (X509TrustManager) trustManagerFactory(certs.ca().certificate()).getTrustManagers()[0];
        String pin = CertificatePins.sha256(certs.server().certificate());
        assertThatThrownBy(() -> TlsConfig.builder().sslContext(context).pins(pin).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("pins");
        assertThatThrownBy(() -> TlsConfig.builder().trustPemFile(certs.caFile()).trustManager(tm).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("trustPemFile");
        assertThatThrownBy(() -> TlsConfig.builder().keyManagerFactory(keyManagerFactory(certs.client()))
                .keyMaterial(certs.clientCertFile(), certs.clientKeyFile()).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("keyManager");
        assertThatThrownBy(() -> TlsConfig.builder().trustManagerFactory(
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())))
                .isInstanceOf(IllegalStateException.class);
    }
}
