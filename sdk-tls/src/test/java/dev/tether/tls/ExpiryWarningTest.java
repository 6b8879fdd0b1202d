package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReloadingTlsConfig} warns once when this side's certificate comes within
 * {@link ReloadingTlsConfig.Builder#expiryWarning(Duration)} of its expiry, and once more when it has expired;
 * never while it is further away, and not for a renewed certificate. Time is a clock the test advances; the
 * warnings are read through the class's observer seam, which receives each message as it is logged.
 */
class ExpiryWarningTest {
    @TempDir
    static Path dir;
    static CertSet certs;
    static Instant notAfter;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir.resolve("certs"));
        notAfter = Instant.now().plus(Duration.ofDays(60)).truncatedTo(ChronoUnit.SECONDS);
        certs.issueServer("expiring", b -> b.addDnsName("localhost").validity(notAfter.minus(Duration.ofDays(365)), notAfter));
    }

    @Test
    void warnsOnceInsideTheWindowAndOnceMoreWhenExpired() {
        MovableClock clock = new MovableClock(notAfter.minus(Duration.ofDays(15)));
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(expiringServerConfig())
                .expiryWarning(Duration.ofDays(14)).pollInterval(Duration.ofHours(1))
                .clock(clock).onExpiryWarning(warnings::add).start()) {
            assertThat(warnings).as("15 days left, outside the 14-day window").isEmpty();
            assertThat(reloading.checkNow()).isFalse();
            assertThat(warnings).isEmpty();

            clock.set(notAfter.minus(Duration.ofDays(13)));
            assertThat(reloading.checkNow()).isFalse();
            assertThat(warnings).singleElement().asString()
                    .contains("CN=expiring").contains("expires at " + notAfter).contains("(in 312h)");
            reloading.checkNow();
            assertThat(warnings).as("warned once, not on every check").hasSize(1);

            clock.set(notAfter.plus(Duration.ofMinutes(1)));
            reloading.checkNow();
            assertThat(warnings).hasSize(2);
            assertThat(warnings.get(1)).contains("CN=expiring").contains("expired at " + notAfter)
                    .contains(certs.file("expiring.pem").toString());
            reloading.checkNow();
            assertThat(warnings).hasSize(2);
        }
    }

    @Test
    void aCertificateAlreadyInsideTheWindowIsWarnedAboutAtStart() {
        MovableClock clock = new MovableClock(notAfter.minus(Duration.ofDays(2)));
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(expiringServerConfig())
                .pollInterval(Duration.ofHours(1)).clock(clock).onExpiryWarning(warnings::add).start()) {
            // The default window is 14 days.
            assertThat(warnings).singleElement().asString().contains("expires at " + notAfter);
            assertThat(reloading.generation()).isEqualTo(1);
        }
    }

    @Test
    void aRenewedCertificateIsNotWarnedAbout() throws Exception {
        Path cert = dir.resolve("renewal/server.pem");
        Path key = dir.resolve("renewal/server.key");
        java.nio.file.Files.createDirectories(cert.getParent());
        certs.server().write(cert, key, null, ExistingFile.REPLACE);
        Instant serverNotAfter = certs.server().certificate().getNotAfter().toInstant();
        MovableClock clock = new MovableClock(serverNotAfter.minus(Duration.ofHours(1)));
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(TlsConfig.builder().keyMaterial(cert, key))
                .pollInterval(Duration.ofHours(1)).clock(clock).onExpiryWarning(warnings::add).start()) {
            assertThat(warnings).singleElement().asString().contains("CN=localhost");

            HeldCertificate renewed = certs.issueServer("renewed", b -> b.addDnsName("localhost")
                    .validity(clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(90))));
            renewed.write(cert, key, null, ExistingFile.REPLACE);
            assertThat(reloading.checkNow()).isTrue();
            assertThat(reloading.generation()).isEqualTo(2);
            assertThat(warnings).as("90 days left on the renewed certificate").hasSize(1);
        }
    }

    private static TlsConfig.Builder expiringServerConfig() {
        return TlsConfig.builder().keyMaterial(certs.file("expiring.pem"), certs.file("expiring.key"));
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
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
