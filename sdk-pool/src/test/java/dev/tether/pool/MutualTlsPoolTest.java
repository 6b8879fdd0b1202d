package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.internal.ManualTime;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsMaterialSource;
import dev.tether.tls.UntrustedCertificateException;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool over real mutual TLS (Tether's own TLS server, real certificates): calls work and reuse
 * handshaken connections, trust failures are typed and never retried, and after a material reload idle
 * connections made with the old material are retired.
 */
class MutualTlsPoolTest {
    private static final LineCodec CODEC = LineCodec.create();

    @TempDir
    Path dir;

    @Test
    void pooledCallsOverMutualTlsReuseHandshakenConnections() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     .tls(certs.mutualClientConfig().build()).build()) {
            for (int i = 0; i < 50; i++) {
                assertThat(client.call("hello " + i)).isEqualTo("hello " + i);
            }
            EndpointStats s = client.stats().get(server.endpoint());
            assertThat(s.created()).isEqualTo(1);
            assertThat(s.reuses()).isEqualTo(49);
            assertThat(server.lastClientChain()).isNotEmpty();
        }
    }

    @Test
    void anUntrustedServerFailsTypedAndIsNotRetried() throws Exception {
        CertSet certs = CertSet.create(dir.resolve("a"));
        CertSet other = CertSet.create(dir.resolve("b"), "Some Other CA");
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().build());
             TetherClient<String, String> client = TetherClient.builder(CODEC).endpoint(server.endpoint())
                     .tls(other.clientConfig().build()).build()) {
            Throwable e = catchThrowable(() -> client.call("hello", CallOptions.timeout(Duration.ofSeconds(5)).idempotent()));
            assertThat(e).isInstanceOf(UntrustedCertificateException.class);
            assertThat(((TetherException) e).isRetryable()).isFalse();
            assertThat(client.stats().get(server.endpoint()).retries()).isZero();
        }
    }

    @Test
    void idleConnectionsMadeWithOlderMaterialAreRetiredAfterAReload() throws Exception {
        CertSet certs = CertSet.create(dir);
        TlsConfig clientConfig = certs.mutualClientConfig().build();
        AtomicLong generation = new AtomicLong(1);
        // A material source whose generation the test moves on, as ReloadingTlsConfig does when files change.
        TlsMaterialSource source = () -> new TlsMaterialSource.Snapshot(clientConfig, generation.get());
        ManualTime time = new ManualTime();
        Duration interval = PoolSettings.defaults().maintenanceInterval();
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
             TetherClient<String, String> client = ManualClients.on(time, TetherClient.builder(CODEC))
                     .endpoint(server.endpoint()).tls(source).build()) {
            try (Lease<String, String> a = client.lease(); Lease<String, String> b = client.lease()) {
                assertThat(a.exchange("a")).isEqualTo("a");
                assertThat(b.exchange("b")).isEqualTo("b");
            }
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(2);
            time.advance(interval); // maintenance runs, and keeps connections made with the current material
            assertThat(client.stats().get(server.endpoint()).idle()).isEqualTo(2);
            generation.set(2);
            assertThat(Clients.destroyed(client, DestroyReason.TLS_ROTATION)).isZero();
            time.advance(interval); // the next maintenance run retires both
            assertThat(Clients.destroyed(client, DestroyReason.TLS_ROTATION)).isEqualTo(2);
            assertThat(client.stats().get(server.endpoint()).idle()).isZero();
            assertThat(client.call("after reload")).isEqualTo("after reload");
            assertThat(client.stats().get(server.endpoint()).created()).isEqualTo(3);
        }
    }

    private static final class Clients {
        static long destroyed(TetherClient<?, ?> client, DestroyReason reason) {
            return dev.tether.pool.testing.Clients.destroyed(client, reason);
        }
    }
}
