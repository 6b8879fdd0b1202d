package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tether.tls.spi.TlsEngineProvider;
import dev.tether.tls.testing.CertSet;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider setting where sdk-tls-openssl is not on the class path (this module's own tests; the OpenSSL
 * module excludes this class when it reruns the suite): JDK is the default, OPENSSL fails at build time with a
 * typed error that says what to add, PREFER_OPENSSL falls back to the JDK.
 */
class TlsProviderWithoutOpenSslTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        // Run by hand (-Dtest) in the OpenSSL module, where the module is there and the default says OPENSSL.
        assumeThat(ServiceLoader.load(TlsEngineProvider.class).findFirst()).as("no provider module").isEmpty();
        assumeThat(System.getProperty(TlsProvider.DEFAULT_PROPERTY)).as("no default set").isNull();
        certs = CertSet.create(dir);
    }

    @Test
    void jdkIsTheDefault() {
        TlsConfig config = certs.clientConfig().build();
        assertThat(config.provider()).isEqualTo(TlsProvider.JDK);
        assertThat(config.providerInUse()).isEqualTo("JDK");
        assertThat(config.toString()).contains("provider=JDK");
    }

    @Test
    void openSslWithoutTheModuleFailsAtBuildTime() {
        assertThatThrownBy(() -> certs.clientConfig().provider(TlsProvider.OPENSSL).build())
                .isInstanceOfSatisfying(TlsProviderUnavailableException.class,
                        e -> assertThat(e.provider()).isEqualTo(TlsProvider.OPENSSL))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("dev.tether:sdk-tls-openssl");
    }

    @Test
    void preferOpenSslFallsBackToTheJdk() {
        TlsConfig config = certs.clientConfig().provider(TlsProvider.PREFER_OPENSSL).build();
        assertThat(config.provider()).isEqualTo(TlsProvider.PREFER_OPENSSL);
        assertThat(config.providerInUse()).isEqualTo("JDK");
        assertThat(config.toBuilder().build().provider()).as("toBuilder keeps it").isEqualTo(TlsProvider.PREFER_OPENSSL);
    }

    @Test
    void providerNamesParse() {
        assertThat(TlsProvider.parse("openssl")).isEqualTo(TlsProvider.OPENSSL);
        assertThat(TlsProvider.parse(" Prefer-OpenSSL ")).isEqualTo(TlsProvider.PREFER_OPENSSL);
        assertThatThrownBy(() -> TlsProvider.parse("gnutls")).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("jdk, openssl or prefer_openssl");
    }
}
