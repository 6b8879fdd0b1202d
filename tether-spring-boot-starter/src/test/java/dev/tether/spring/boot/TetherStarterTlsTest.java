package dev.tether.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.TetherException;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.ClientClosedException;
import dev.tether.pool.TetherClient;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.UntrustedCertificateException;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * The starter against a real TLS server (Tether's own, with certificates from a fresh test CA): the client bean
 * built from properties and a Spring SSL bundle round-trips calls with hostname verification on, presents the
 * bundle's client certificate, gets its metrics bound and its health reported, and is closed with the context.
 * Every client runs on Tether's defaults apart from what the test configures.
 */
class TetherStarterTlsTest {
    private static final String STORE_PASSWORD = "store-secret-42";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, TetherAutoConfiguration.class,
                    TetherMetricsAutoConfiguration.class, TetherHealthAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void aCallRoundTripsOverTlsWithTrustFromAPemBundle() {
        CertSet certs = CertSet.create(dir);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.echo.endpoints=localhost:" + server.endpoint().port(),
                    "tether.clients.echo.codec=line",
                    "tether.clients.echo.ssl.bundle=echo-ca")
                    .withBean(StringClientUser.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        // One client: injectable by its generic type, and registered under its name.
                        TetherClient<String, String> client = context.getBean(StringClientUser.class).client;
                        assertThat(context.getBean("echo")).isSameAs(client);
                        assertThat(client.call("hello over tls")).isEqualTo("hello over tls");
                        assertThat(client.stats().get(server.localhostEndpoint()).tlsSession()).isPresent();
                        assertThat(server.connections()).hasSize(1);
                    });
        }
    }

    @Test
    void hostnameVerificationStaysOnWithABundle() throws Exception {
        CertSet certs = CertSet.create(dir);
        // Trusted by the bundle's CA, but issued for another name than the one the client dials.
        certs.issueServer("other", b -> b.addDnsName("other.example"));
        TlsConfig wrongName = TlsConfig.builder().keyMaterial(certs.file("other.pem"), certs.file("other.key")).build();
        try (TlsEchoServer server = TlsEchoServer.start(wrongName)) {
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.echo.endpoints=localhost:" + server.endpoint().port(),
                    "tether.clients.echo.codec=line",
                    "tether.clients.echo.ssl.bundle=echo-ca")
                    .run(context -> {
                        TetherClient<?, ?> client = context.getBean("echo", TetherClient.class);
                        assertThatThrownBy(() -> callRaw(client, "hello"))
                                .isInstanceOf(HostnameMismatchException.class);
                    });
        }
    }

    @Test
    void mutualTlsWithKeyAndTrustFromPkcs12BundleAndMetricsBound() throws Exception {
        CertSet certs = CertSet.create(dir);
        Path keyStore = dir.resolve("client.p12");
        Path trustStore = dir.resolve("trust.p12");
        writePkcs12(keyStore, certs, true);
        writePkcs12(trustStore, certs, false);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build())) {
            runner.withPropertyValues(
                    "spring.ssl.bundle.jks.mtls.keystore.location=file:" + keyStore,
                    "spring.ssl.bundle.jks.mtls.keystore.password=" + STORE_PASSWORD,
                    "spring.ssl.bundle.jks.mtls.keystore.type=PKCS12",
                    "spring.ssl.bundle.jks.mtls.truststore.location=file:" + trustStore,
                    "spring.ssl.bundle.jks.mtls.truststore.password=" + STORE_PASSWORD,
                    "spring.ssl.bundle.jks.mtls.truststore.type=PKCS12",
                    "tether.clients.orders.endpoints=localhost:" + server.endpoint().port(),
                    "tether.clients.orders.codec=line",
                    "tether.clients.orders.ssl.bundle=mtls")
                    .withBean(SimpleMeterRegistry.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        TetherClient<?, ?> client = context.getBean("orders", TetherClient.class);
                        assertThat(callRaw(client, "with a client certificate")).isEqualTo("with a client certificate");
                        assertThat(server.lastClientChain()).isNotEmpty();
                        assertThat(server.lastClientChain().get(0).getSubjectX500Principal().getName())
                                .contains("CN=tether-client");

                        MeterRegistry registry = context.getBean(MeterRegistry.class);
                        assertThat(registry.get("tether.pool.created").tag("client", "orders").functionCounter()
                                .count()).isEqualTo(1.0);
                        assertThat(registry.get("tether.pool.idle").tag("client", "orders").gauge().value())
                                .isEqualTo(1.0);

                        Health health = indicator(context, "orders").health(true);
                        assertThat(health.getStatus()).isEqualTo(Status.UP);
                        assertThat(health.toString()).doesNotContain(STORE_PASSWORD).doesNotContain("PRIVATE KEY")
                                .doesNotContain(keyStore.toString());
                    });
        }
    }

    @Test
    void healthIsUpWhileTheServerAnswersAndDownAfterItStops() {
        CertSet certs = CertSet.create(dir);
        TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
        try {
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.echo.endpoints=localhost:" + server.endpoint().port(),
                    "tether.clients.echo.codec=line",
                    "tether.clients.echo.ssl.bundle=echo-ca")
                    .run(context -> {
                        HealthIndicator indicator = indicator(context, "echo");
                        String endpoint = server.localhostEndpoint().toString();
                        assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);

                        TetherClient<?, ?> client = context.getBean("echo", TetherClient.class);
                        assertThat(callRaw(client, "ping")).isEqualTo("ping");
                        Health up = indicator.health(true);
                        assertThat(up.getStatus()).isEqualTo(Status.UP);
                        assertThat(endpointDetail(up, endpoint)).containsEntry("reachable", true)
                                .containsEntry("breaker", "CLOSED").containsEntry("idle", 1);

                        server.close();
                        // The indicator sends no traffic of its own: the client learns the server is gone from
                        // the next call's connect, which is refused at once. Idempotent so the attempt on the
                        // connection the server just closed may be retried onto a new connect; fail-fast so the
                        // call ends on that refused connect instead of waiting its timeout for the server.
                        assertThatThrownBy(() -> callRaw(client, "anyone there?",
                                CallOptions.timeout(Duration.ofSeconds(5)).idempotent().failFast()))
                                .isInstanceOf(TetherException.class);
                        Health down = indicator.health(true);
                        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(down.getDetails()).containsEntry("reason", "no endpoint is reachable")
                                .containsEntry("available", 0);
                        assertThat(endpointDetail(down, endpoint)).containsEntry("reachable", false)
                                .containsKey("unreachableSince").containsKey("lastConnectError");
                    });
        } finally {
            server.close();
        }
    }

    @Test
    void aCodecBeanNamedForTheClientTakesPrecedenceOverTheProperty() {
        CertSet certs = CertSet.create(dir);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.echo.endpoints=localhost:" + server.endpoint().port(),
                    "tether.clients.echo.codec=line",
                    "tether.clients.echo.ssl.bundle=echo-ca")
                    .withBean("echoCodec", LengthPrefixedCodec.class, LengthPrefixedCodec::create)
                    .withBean(BytesClientUser.class)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        // Typed from the codec bean: a line client would fail this call with a ClassCastException.
                        TetherClient<byte[], byte[]> client = context.getBean(BytesClientUser.class).client;
                        byte[] frame = {0, 1, 2, '\n', (byte) 0xff};
                        assertThat(client.call(frame)).isEqualTo(frame);
                    });
        }
    }

    @Test
    void anUpdatedBundleIsUsedByTheNextConnection() throws Exception {
        CertSet oldCa = CertSet.create(dir.resolve("old"), "Old CA");
        CertSet newCa = CertSet.create(dir.resolve("new"), "New CA");
        // The server already presents a certificate from the new CA; the bundle still trusts only the old one.
        DefaultSslBundleRegistry bundles = new DefaultSslBundleRegistry("rotating", trusting(oldCa));
        try (TlsEchoServer server = TlsEchoServer.start(newCa.serverConfig().build())) {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class))
                    .withBean(SslBundles.class, () -> bundles)
                    .withPropertyValues(
                            "tether.clients.echo.endpoints=localhost:" + server.endpoint().port(),
                            "tether.clients.echo.codec=line",
                            "tether.clients.echo.ssl.bundle=rotating")
                    .run(context -> {
                        TetherClient<?, ?> client = context.getBean("echo", TetherClient.class);
                        assertThatThrownBy(() -> callRaw(client, "before"))
                                .isInstanceOf(UntrustedCertificateException.class);
                        // What Spring Boot does when a bundle with reload-on-update sees its files change.
                        bundles.updateBundle("rotating", trusting(newCa));
                        assertThat(callRaw(client, "after")).isEqualTo("after");
                    });
        }
    }

    @Test
    void closingTheContextClosesTheClient() {
        CertSet certs = CertSet.create(dir);
        AtomicReference<TetherClient<?, ?>> seen = new AtomicReference<>();
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build())) {
            runner.withPropertyValues(
                    "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                    "tether.clients.echo.endpoints=localhost:" + server.endpoint().port(),
                    "tether.clients.echo.codec=line",
                    "tether.clients.echo.ssl.bundle=echo-ca")
                    .run(context -> {
                        TetherClient<?, ?> client = context.getBean("echo", TetherClient.class);
                        assertThat(callRaw(client, "before close")).isEqualTo("before close");
                        seen.set(client);
                    });
            // The runner closed the context when the lambda returned.
            assertThatThrownBy(() -> callRaw(seen.get(), "after close")).isInstanceOf(ClientClosedException.class);
        }
    }

    @Test
    void aWrongBundleNameFailsStartupNamingTheProperty() {
        CertSet certs = CertSet.create(dir);
        runner.withPropertyValues(
                "spring.ssl.bundle.pem.echo-ca.truststore.certificate=file:" + certs.caFile(),
                "tether.clients.echo.endpoints=localhost:7000",
                "tether.clients.echo.codec=line",
                "tether.clients.echo.ssl.bundle=echo-cq")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    TetherClientConfigurationException e = TetherStarterValidationTest.configurationError(failure);
                    assertThat(e.property()).isEqualTo("tether.clients.echo.ssl.bundle");
                    assertThat(e.getMessage()).contains("no SSL bundle named 'echo-cq'").contains("[echo-ca]");
                    assertThat(new TetherClientFailureAnalyzer().analyze(failure).getAction())
                            .contains("spring.ssl.bundle.pem.echo-cq");
                });
    }

    /** A length-prefixed client, injected by its generic type. */
    static class BytesClientUser {
        @Autowired
        TetherClient<byte[], byte[]> client;
    }

    /** Injected by the generic type alone, as an application would with one client. */
    static class StringClientUser {
        @Autowired
        TetherClient<String, String> client;
    }

    private static HealthIndicator indicator(ApplicationContext context, String client) {
        CompositeHealthContributor tether = context.getBean("tetherHealthContributor", CompositeHealthContributor.class);
        return (HealthIndicator) tether.getContributor(client);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> endpointDetail(Health health, String endpoint) {
        return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("endpoints")).get(endpoint);
    }

    private static Object callRaw(TetherClient<?, ?> client, String request) throws TetherException {
        return callRaw(client, request, CallOptions.defaults());
    }

    @SuppressWarnings("unchecked")
    private static Object callRaw(TetherClient<?, ?> client, String request, CallOptions options) throws TetherException {
        return ((TetherClient<String, String>) client).call(request, options);
    }

    private static SslBundle trusting(CertSet certs) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certs.ca().certificate());
        return SslBundle.of(SslStoreBundle.of(null, null, trust));
    }

    private static void writePkcs12(Path file, CertSet certs, boolean withClientKey) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        if (withClientKey) {
            store.setKeyEntry("client", certs.client().privateKey(), STORE_PASSWORD.toCharArray(),
                    certs.client().chain().toArray(new Certificate[0]));
        } else {
            store.setCertificateEntry("ca", certs.ca().certificate());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }
}
