package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.internal.ChainValidationCache;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of successful chain validations, through real handshakes with certificates from the cert tooling: a
 * repeated chain skips the JDK's PKIX validation (counted by a wrapper around the real PKIX trust manager), while
 * every other check still runs and every change that matters (another chain, time, a reload, a failure) makes
 * the validation run again. Time comes from movable clocks given to the config.
 *
 * <p>Every client here turns session resumption off: a resumed handshake validates no chain at all, and these
 * tests are about full handshakes.
 */
class ChainValidationCacheTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    private final MovableClock wall = new MovableClock(Instant.now());
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AtomicInteger clientValidations = new AtomicInteger();
    private final AtomicInteger serverValidations = new AtomicInteger();

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    @BeforeEach
    void reset() {
        clientValidations.set(0);
        serverValidations.set(0);
    }

    @Test
    void defaultsKeepSuccessesForAMinuteAndTheSettingIsChecked() {
        assertThat(TlsConfig.defaults().chainValidationCacheTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(TlsConfig.defaults().material().chainValidationCache()).isPresent();
        TlsConfig off = certs.clientConfig().chainValidationCache(Duration.ZERO).build();
        assertThat(off.chainValidationCacheTtl()).isZero();
        assertThat(off.material().chainValidationCache()).isEmpty();
        assertThat(off.toString()).contains("chainValidationCache=off");
        assertThatThrownBy(() -> TlsConfig.builder().chainValidationCache(Duration.ofSeconds(-1)))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> TlsConfig.builder().chainValidationCache(Duration.ofHours(2)))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("PT1H");
    }

    @Test
    void aRepeatedChainSkipsPathValidationOnBothSides() throws Exception {
        TlsConfig server = counted(certs.serverConfig().clientAuth(ClientAuth.REQUIRED), serverValidations).build();
        TlsConfig client = counted(certs.mutualClientConfig(), clientValidations).build();
        try (TlsEchoServer echo = TlsEchoServer.start(server)) {
            for (int i = 0; i < 3; i++) {
                roundTrip(client, echo.localhostEndpoint());
                assertThat(echo.nextHandshake(Duration.ofSeconds(10))).isInstanceOf(TlsConnection.class);
            }
        }
        assertThat(clientValidations).as("server chain validated by PKIX").hasValue(1);
        assertThat(serverValidations).as("client chain validated by PKIX").hasValue(1);
        assertThat(client.material().chainValidationCache().orElseThrow().hits()).isEqualTo(2);
        assertThat(server.material().chainValidationCache().orElseThrow().hits()).isEqualTo(2);
    }

    @Test
    void offValidatesEveryTime() throws Exception {
        TlsConfig client = counted(certs.clientConfig(), clientValidations).chainValidationCache(Duration.ZERO).build();
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build())) {
            for (int i = 0; i < 3; i++) {
                roundTrip(client, echo.localhostEndpoint());
            }
        }
        assertThat(clientValidations).hasValue(3);
    }

    @Test
    void aReissuedLeafWithTheSameSubjectIsValidated() throws Exception {
        TlsConfig client = counted(certs.clientConfig(), clientValidations).build();
        HeldCertificate reissued = certs.issueServer("reissued", b -> b.commonName("localhost")
                .addDnsName("localhost"));
        assertThat(reissued.certificate().getSubjectX500Principal())
                .isEqualTo(certs.server().certificate().getSubjectX500Principal());
        try (TlsEchoServer first = TlsEchoServer.start(certs.serverConfig().build());
             TlsEchoServer second = TlsEchoServer.start(TlsConfig.builder()
                     .keyMaterial(reissued.privateKey(), reissued.chain()).build())) {
            roundTrip(client, first.localhostEndpoint());
            roundTrip(client, second.localhostEndpoint());
            roundTrip(client, first.localhostEndpoint());
            roundTrip(client, second.localhostEndpoint());
        }
        assertThat(clientValidations).as("one validation per distinct chain").hasValue(2);
    }

    @Test
    void aLeafThatExpiredMeanwhileFailsWithTheCacheWarm() throws Exception {
        TlsConfig client = counted(certs.clientConfig(), clientValidations).build();
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build())) {
            roundTrip(client, echo.localhostEndpoint());
            wall.set(certs.server().certificate().getNotAfter().toInstant().plusSeconds(1));
            assertThatThrownBy(() -> roundTrip(client, echo.localhostEndpoint()))
                    .isInstanceOfSatisfying(CertificateValidityException.class,
                            e -> assertThat(e.kind()).isEqualTo(CertificateValidityException.Kind.EXPIRED));
        }
    }

    @Test
    void anIntermediateThatExpiredMeanwhileIsNotAnsweredFromTheCache() throws Exception {
        Instant now = wall.instant();
        HeldCertificate root = HeldCertificate.builder().commonName("Chain Cache Root").certificateAuthority(1).build();
        HeldCertificate intermediate = HeldCertificate.builder().commonName("Chain Cache Intermediate")
                .certificateAuthority(0).validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)))
                .signedBy(root).build();
        HeldCertificate leaf = HeldCertificate.builder().commonName("localhost").addDnsName("localhost").serverAuth()
                .validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(3)))
                .signedBy(intermediate).build();
        TlsConfig client = counted(TlsConfig.builder().trustCertificates(root.certificate()), clientValidations)
                .build();
        try (TlsEchoServer echo = TlsEchoServer.start(TlsConfig.builder()
                .keyMaterial(leaf.privateKey(), List.of(leaf.certificate(), intermediate.certificate())).build())) {
            roundTrip(client, echo.localhostEndpoint());
            roundTrip(client, echo.localhostEndpoint());
            assertThat(clientValidations).hasValue(1);
            // Past the intermediate's notAfter, the leaf is still valid: only the cache's own date check can refuse
            // the hit. The counting wrapper judges dates at the movable clock's time, as PKIX would at that time.
            wall.set(intermediate.certificate().getNotAfter().toInstant().plusMillis(1));
            assertThat(wall.instant()).isBefore(leaf.certificate().getNotAfter().toInstant());
            assertThatThrownBy(() -> roundTrip(client, echo.localhostEndpoint()))
                    .isInstanceOfSatisfying(CertificateValidityException.class,
                            e -> assertThat(e.kind()).isEqualTo(CertificateValidityException.Kind.EXPIRED))
                    .hasMessageContaining("Chain Cache Intermediate");
            assertThat(clientValidations).as("the hit was refused and PKIX asked again").hasValue(2);
        }
    }

    @Test
    void theTimeToLiveRunsOnTheMonotonicClock() throws Exception {
        TlsConfig client = counted(certs.clientConfig(), clientValidations).chainValidationCache(Duration.ofSeconds(30))
                .build();
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build())) {
            roundTrip(client, echo.localhostEndpoint());
            nanos.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
            roundTrip(client, echo.localhostEndpoint());
            assertThat(clientValidations).as("within the TTL").hasValue(1);
            nanos.addAndGet(1);
            roundTrip(client, echo.localhostEndpoint());
            assertThat(clientValidations).as("at the TTL").hasValue(2);
            // The wall clock going back or forth within the certificates' dates changes nothing.
            wall.set(wall.instant().minus(Duration.ofMinutes(1)));
            roundTrip(client, echo.localhostEndpoint());
            assertThat(clientValidations).hasValue(2);
        }
    }

    @Test
    void aReloadOfTrustStartsWithAnEmptyCache() throws Exception {
        CertSet other = CertSet.create(dir.resolve("other"), "Another CA");
        Path trust = dir.resolve("reload-trust.pem");
        Files.copy(certs.caFile(), trust, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build());
             ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(
                     counted(TlsConfig.builder().trustPemFile(trust), clientValidations))
                     .pollInterval(Duration.ofHours(1)).start()) {
            roundTrip(reloading.config(), echo.localhostEndpoint());
            roundTrip(reloading.config(), echo.localhostEndpoint());
            assertThat(clientValidations).hasValue(1);
            // The server's CA is no longer trusted: the remembered success must not outlive the trust it came from.
            Files.copy(other.caFile(), trust, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(reloading.checkNow()).isTrue();
            assertThat(reloading.config().material().chainValidationCache().orElseThrow().size()).isZero();
            assertThatThrownBy(() -> roundTrip(reloading.config(), echo.localhostEndpoint()))
                    .isInstanceOf(UntrustedCertificateException.class);
            // Trusted again: a new generation, validated again.
            Files.writeString(trust, Files.readString(other.caFile()) + Files.readString(certs.caFile()));
            assertThat(reloading.checkNow()).isTrue();
            int before = clientValidations.get();
            roundTrip(reloading.config(), echo.localhostEndpoint());
            assertThat(clientValidations.get() - before).isEqualTo(1);
        }
    }

    @Test
    void aFailedValidationIsNotCached() throws Exception {
        CertSet stranger = CertSet.create(dir.resolve("stranger"), "Stranger CA");
        TlsConfig client = counted(certs.clientConfig(), clientValidations).build();
        try (TlsEchoServer echo = TlsEchoServer.start(stranger.serverConfig().build())) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> roundTrip(client, echo.localhostEndpoint()))
                        .isInstanceOf(UntrustedCertificateException.class);
            }
        }
        assertThat(clientValidations).hasValue(2);
        assertThat(client.material().chainValidationCache().orElseThrow().size()).isZero();
    }

    @Test
    void aWrongHostNameFailsWithTheCacheWarm() throws Exception {
        TlsConfig client = counted(certs.clientConfig(), clientValidations).build();
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build())) {
            roundTrip(client, echo.localhostEndpoint());
            Endpoint wrongName = Endpoint.of("localhost", echo.localhostEndpoint().port())
                    .withServerName("not-this-server.example");
            assertThatThrownBy(() -> roundTrip(client, wrongName)).isInstanceOf(HostnameMismatchException.class);
        }
        assertThat(clientValidations).as("the chain itself came from the cache").hasValue(1);
        assertThat(client.material().chainValidationCache().orElseThrow().hits()).isEqualTo(1);
    }

    @Test
    void aPinMismatchFailsOnEveryHandshakeWithTheCacheWarm() throws Exception {
        String otherPin = CertificatePins.sha256(CertSet.create(dir.resolve("pin"), "Pin CA").ca().certificate());
        TlsConfig client = counted(certs.clientConfig().pins(otherPin), clientValidations).build();
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build())) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> roundTrip(client, echo.localhostEndpoint()))
                        .isInstanceOf(PinMismatchException.class);
            }
        }
        assertThat(clientValidations).as("PKIX succeeded once and was remembered; the pins failed every time")
                .hasValue(1);
    }

    @Test
    void anApplicationTrustManagerIsAskedEveryTime() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", certs.ca().certificate());
        tmf.init(ks);
        X509TrustManager app = (X509TrustManager) tmf.getTrustManagers()[0];
        TlsConfig client = counted(TlsConfig.builder().trustManager(app), clientValidations).build();
        assertThat(client.material().chainValidationCache()).isEmpty();
        try (TlsEchoServer echo = TlsEchoServer.start(certs.serverConfig().build())) {
            roundTrip(client, echo.localhostEndpoint());
            roundTrip(client, echo.localhostEndpoint());
        }
        assertThat(clientValidations).hasValue(2);
    }

    @Test
    void nothingIsCachedWhenTheJdkChecksRevocationInsidePkix() {
        // Built first so that the JDK's validator classes are initialised without the property (the JDK reads it
        // once, into a static): setting it below must not turn on revocation for the rest of this JVM's tests.
        assertThat(certs.clientConfig().build().material().chainValidationCache()).isPresent();
        String before = System.getProperty("com.sun.net.ssl.checkRevocation");
        System.setProperty("com.sun.net.ssl.checkRevocation", "true");
        try {
            assertThat(certs.clientConfig().build().material().chainValidationCache()).isEmpty();
        } finally {
            if (before == null) {
                System.clearProperty("com.sun.net.ssl.checkRevocation");
            } else {
                System.setProperty("com.sun.net.ssl.checkRevocation", before);
            }
        }
        assertThat(certs.clientConfig().build().material().chainValidationCache()).isPresent();
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** The config with this test's clocks, counting PKIX validations into {@code counter}, resumption off. */
    private TlsConfig.Builder counted(TlsConfig.Builder b, AtomicInteger counter) {
        return b.sessionResumption(false).chainValidationSeams(wall, nanos::get,
                pkix -> new CountingPkix(pkix, wall, counter));
    }

    private static void roundTrip(TlsConfig config, Endpoint endpoint) throws Exception {
        try (TlsConnection c = new TlsConnector(SocketConnector.create(), config)
                .connect(endpoint, Deadline.after(Duration.ofSeconds(10)))) {
            Echo.roundTrip(c, "ping");
        }
    }

    /**
     * The real PKIX trust manager, counted; since the JDK's PKIX cannot be told the time, the dates of the
     * presented certificates are first judged at the movable clock's time, as PKIX would judge them then.
     */
    static final class CountingPkix extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager real;
        private final Clock clock;
        private final AtomicInteger count;

        CountingPkix(X509ExtendedTrustManager real, Clock clock, AtomicInteger count) {
            this.real = real;
            this.clock = clock;
            this.count = count;
        }

        private void before(X509Certificate[] chain) throws CertificateException {
            count.incrementAndGet();
            Date now = Date.from(clock.instant());
            for (X509Certificate c : chain) {
                c.checkValidity(now);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            before(chain);
            real.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            before(chain);
            real.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            before(chain);
            real.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            before(chain);
            real.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            before(chain);
            real.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            before(chain);
            real.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return real.getAcceptedIssuers();
        }
    }

    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
