package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CA bundle replaced while {@link ReloadingTlsConfig.Builder#start()} is loading it must still be picked up:
 * the files have to be fingerprinted no later than they are read, or the new content is recorded as already
 * loaded and the old material stays in force until the file happens to change again.
 *
 * <p>To replace the file at exactly that moment, the test puts a security provider first in line for the
 * {@code PKIX} trust manager factory (the trust source asks for it right after reading the bundle); it swaps
 * the file once and then hands over to the JDK's own implementation. This is a hook for timing, not a mock:
 * all certificate checking is the JDK's.
 */
class FileReplacedDuringStartTest {
    @TempDir
    Path dir;

    private static final AtomicReference<Runnable> ON_TRUST_INIT = new AtomicReference<>();

    @Test
    void caBundleReplacedWhileStartingIsLoadedByTheNextCheck() throws Exception {
        CertSet oldCa = CertSet.create(dir.resolve("old"), "old-ca");
        CertSet newCa = CertSet.create(dir.resolve("new"), "new-ca");
        Path bundle = dir.resolve("ca.pem");
        Files.copy(oldCa.caFile(), bundle);

        ON_TRUST_INIT.set(() -> replace(bundle, newCa.caFile()));
        Provider hook = new HookProvider();
        Security.insertProviderAt(hook, 1);
        ReloadingTlsConfig reloading;
        try {
            reloading = ReloadingTlsConfig.watching(TlsConfig.builder().trustPemFile(bundle))
                    .pollInterval(Duration.ofHours(1)).start();
        } finally {
            Security.removeProvider(hook.getName());
        }
        assertThat(ON_TRUST_INIT.get()).as("the file was replaced during start()").isNull();

        try (reloading; TlsEchoServer server = TlsEchoServer.start(newCa.serverConfig().build())) {
            // start() read the old bundle; the file on disk now holds the new CA.
            assertThat(reloading.config().trustDescription()).contains("old-ca");

            assertThat(reloading.checkNow()).as("the replaced file is seen as a change").isTrue();

            assertThat(reloading.config().trustDescription()).contains("new-ca").doesNotContain("old-ca");
            TlsConnector connector = new TlsConnector(SocketConnector.create(), reloading);
            try (TlsConnection c = connector.connect(server.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                assertThat(Echo.roundTrip(c, "rotated")).isEqualTo("rotated");
            }
        }
    }

    private static void replace(Path target, Path content) {
        try {
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Offers a PKIX trust manager factory that runs {@link #ON_TRUST_INIT} once, then delegates to SunJSSE. */
    private static final class HookProvider extends Provider {
        HookProvider() {
            super("TetherReplaceFileHook", "1", "test hook: runs an action when a PKIX trust manager is initialised");
            putService(new Service(this, "TrustManagerFactory", "PKIX", HookSpi.class.getName(), null, null) {
                @Override
                public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
                    try {
                        return new HookSpi(TrustManagerFactory.getInstance("PKIX", "SunJSSE"));
                    } catch (NoSuchProviderException e) {
                        throw new NoSuchAlgorithmException(e);
                    }
                }
            });
        }
    }

    private static final class HookSpi extends TrustManagerFactorySpi {
        private final TrustManagerFactory delegate;

        HookSpi(TrustManagerFactory delegate) {
            this.delegate = delegate;
        }

        private static void runHookOnce() {
            Runnable action = ON_TRUST_INIT.getAndSet(null);
            if (action != null) {
                action.run();
            }
        }

        @Override
        protected void engineInit(KeyStore ks) throws KeyStoreException {
            runHookOnce();
            delegate.init(ks);
        }

        @Override
        protected void engineInit(ManagerFactoryParameters spec) throws InvalidAlgorithmParameterException {
            runHookOnce();
            delegate.init(spec);
        }

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return delegate.getTrustManagers();
        }
    }
}
