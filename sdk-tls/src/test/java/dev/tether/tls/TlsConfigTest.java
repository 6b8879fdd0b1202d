package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.KeyType;
import dev.tether.tls.cert.Pkcs12;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defaults the Javadoc promises, validation that names the bad value, and every supported form of key
 * and trust material actually used in a mutual-TLS handshake.
 */
class TlsConfigTest {
    @TempDir
    static Path dir;
    static CertSet certs;
    static TlsEchoServer mutualServer;

    @BeforeAll
    static void setUp() {
        certs = CertSet.create(dir.resolve("certs"));
        mutualServer = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
    }

    @org.junit.jupiter.api.AfterAll
    static void tearDown() {
        mutualServer.close();
    }

    /** Connects to the mutual-TLS server and returns the client certificate subject it saw. */
    private static String presentedBy(TlsConfig config) throws Exception {
        try (TlsConnection c = new TlsConnector(SocketConnector.create(), config)
                .connect(mutualServer.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
            assertThat(Echo.roundTrip(c, "k")).isEqualTo("k");
            return mutualServer.lastClientChain().get(0).getSubjectX500Principal().getName();
        }
    }

    @Test
    void defaultsAreTheSafeOnes() {
        TlsConfig config = TlsConfig.defaults();
        assertThat(config.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.cipherSuites()).isEmpty();
        assertThat(config.hostnameVerification()).isTrue();
        assertThat(config.sessionResumption()).isTrue();
        assertThat(config.pins()).isEmpty();
        assertThat(config.applicationProtocols()).isEmpty();
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.closeNotifyTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(config.hasKeyMaterial()).isFalse();
        assertThat(config.trustDescription()).startsWith("the JDK default trust store");
    }

    @Test
    void badValuesAreRejectedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> TlsConfig.builder().protocols("TLSv1.1"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("'TLSv1.1'");
        assertThatThrownBy(() -> TlsConfig.builder().cipherSuites("TLS_FAKE_WITH_NOTHING"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("'TLS_FAKE_WITH_NOTHING'");
        assertThatThrownBy(() -> TlsConfig.builder().handshakeTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(TlsConfigException.class).hasMessage("handshakeTimeout must be positive: PT-1S");
        assertThatThrownBy(() -> TlsConfig.builder().pins("sha256/notbase64!"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("sha256/notbase64!");
        assertThatThrownBy(() -> TlsConfig.builder().pins("sha1/AAAA"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("other hashes are not supported");
        assertThatThrownBy(() -> TlsConfig.builder().applicationProtocols(""))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("1..255 bytes");
        assertThatThrownBy(() -> TlsConfig.builder().trustPemFile(dir.resolve("nope.pem")).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("nope.pem");
    }

    @Test
    void pinsAreNormalised() {
        String pin = CertificatePins.sha256(certs.ca().certificate());
        TlsConfig config = TlsConfig.builder().pins(pin.substring("sha256/".length()), pin).build();
        assertThat(config.pins()).containsExactly(pin);
    }

    @Test
    void pemChainWithPlainPkcs8Key() throws Exception {
        assertThat(presentedBy(certs.mutualClientConfig().build())).isEqualTo("CN=tether-client");
    }

    @Test
    void pemChainWithEncryptedPkcs8Key() throws Exception {
        HeldCertificate client = certs.issueClient("encrypted-client");
        Path cert = dir.resolve("enc.pem");
        Path key = dir.resolve("enc.key");
        client.write(cert, key, "s3cret".toCharArray(), ExistingFile.REPLACE);
        assertThat(presentedBy(certs.clientConfig().keyMaterial(cert, key, "s3cret".toCharArray()).build()))
                .isEqualTo("CN=encrypted-client");
        assertThatThrownBy(() -> certs.clientConfig().keyMaterial(cert, key, "wrong".toCharArray()).build())
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(key.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE KEY"));
        assertThatThrownBy(() -> certs.clientConfig().keyMaterial(cert, key).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining(key.toString());
    }

    @Test
    void traditionalSec1EcKeyFromOpenSsl() throws Exception {
        Path sec1 = dir.resolve("client-sec1.key");
        openssl("pkey", "-in", certs.clientKeyFile().toString(), "-traditional", "-out", sec1.toString());
        assertThat(Files.readString(sec1)).contains("BEGIN EC PRIVATE KEY");
        assertThat(presentedBy(certs.clientConfig().keyMaterial(certs.clientCertFile(), sec1).build()))
                .isEqualTo("CN=tether-client");
    }

    @Test
    void traditionalPkcs1RsaKeyFromOpenSsl() throws Exception {
        HeldCertificate rsa = HeldCertificate.builder().commonName("rsa-client").clientAuth().keyType(KeyType.RSA_2048)
                .validFor(Duration.ofDays(1)).signedBy(certs.ca()).build();
        Path cert = dir.resolve("rsa.pem");
        Path pkcs8 = dir.resolve("rsa-pkcs8.key");
        rsa.write(cert, pkcs8, null, ExistingFile.REPLACE);
        Path pkcs1 = dir.resolve("rsa-pkcs1.key");
        openssl("pkey", "-in", pkcs8.toString(), "-traditional", "-out", pkcs1.toString());
        assertThat(Files.readString(pkcs1)).contains("BEGIN RSA PRIVATE KEY");
        assertThat(presentedBy(certs.clientConfig().keyMaterial(cert, pkcs1).build())).isEqualTo("CN=rsa-client");
    }

    @Test
    void pkcs12KeyStoreAndTrustStore() throws Exception {
        Path keyStore = dir.resolve("client.p12");
        Pkcs12.write(keyStore, certs.issueClient("p12-client"), "storepass".toCharArray(), ExistingFile.REPLACE);
        Path trustStore = dir.resolve("trust.p12");
        Pkcs12.writeTrustStore(trustStore, List.of(certs.ca().certificate()), "trustpass".toCharArray(), ExistingFile.REPLACE);
        TlsConfig config = TlsConfig.builder().trustStore(trustStore, "trustpass".toCharArray())
                .keyStore(keyStore, "storepass".toCharArray()).build();
        assertThat(config.trustDescription()).contains("trust store " + trustStore);
        assertThat(presentedBy(config)).isEqualTo("CN=p12-client");
        assertThatThrownBy(() -> TlsConfig.builder().keyStore(keyStore, "wrong".toCharArray()).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("wrong password");
    }

    @Test
    void jksTrustStoreAndInMemoryKeyMaterial() throws Exception {
        KeyStore jks = KeyStore.getInstance("JKS");
        jks.load(null, null);
        jks.setCertificateEntry("ca", certs.ca().certificate());
        Path trustStore = dir.resolve("trust.jks");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            jks.store(out, "changeit".toCharArray());
        }
        HeldCertificate client = certs.issueClient("memory-client");
        TlsConfig config = TlsConfig.builder().trustStore(trustStore, "changeit".toCharArray())
                .keyMaterial(client.privateKey(), client.chain()).build();
        assertThat(presentedBy(config)).isEqualTo("CN=memory-client");
    }

    @Test
    void inMemoryTrustPlusSystemTrust() throws Exception {
        TlsConfig config = TlsConfig.builder().trustSystemDefault().trustCertificates(certs.ca().certificate())
                .keyMaterial(certs.clientCertFile(), certs.clientKeyFile()).build();
        assertThat(config.trustDescription()).contains("JDK default trust store").contains("in-memory certificates");
        assertThat(presentedBy(config)).isEqualTo("CN=tether-client");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        // Every setting away from its default, so a copy that dropped one would show it.
        String caPin = CertificatePins.sha256(certs.ca().certificate());
        TlsConfig config = certs.mutualClientConfig().protocols("TLSv1.3").cipherSuites("TLS_AES_128_GCM_SHA256")
                .applicationProtocols("x", "y").sessionResumption(false).handshakeTimeout(Duration.ofSeconds(3))
                .closeNotifyTimeout(Duration.ofMillis(700)).clientAuth(ClientAuth.REQUIRED).pins(caPin)
                .insecureDisableHostnameVerification().build();
        TlsConfig copy = config.toBuilder().build();
        assertThat(copy.protocols()).containsExactly("TLSv1.3");
        assertThat(copy.cipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256");
        assertThat(copy.applicationProtocols()).containsExactly("x", "y");
        assertThat(copy.sessionResumption()).isFalse();
        assertThat(copy.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(copy.closeNotifyTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(copy.clientAuth()).isEqualTo(ClientAuth.REQUIRED);
        assertThat(copy.pins()).containsExactly(caPin);
        assertThat(copy.hostnameVerification()).isFalse();
        assertThat(copy.hasKeyMaterial()).isTrue();
        assertThat(copy.certificateChain()).isEqualTo(config.certificateChain());
        assertThat(copy.certificateChain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=tether-client");
        assertThat(copy.trustDescription()).isEqualTo(config.trustDescription()).contains(certs.caFile().toString());
        assertThat(copy.files()).containsExactly(certs.caFile(), certs.clientCertFile(), certs.clientKeyFile());
    }

    @Test
    void keyMismatchIsRefusedAtBuild() {
        HeldCertificate other = certs.issueClient("mismatch");
        assertThatThrownBy(() -> certs.clientConfig().keyMaterial(certs.clientCertFile(), certs.file("mismatch.key")).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("does not belong");
        assertThat(other.certificate()).isNotNull();
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }
}
