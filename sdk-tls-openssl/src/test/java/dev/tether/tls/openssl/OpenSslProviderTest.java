package dev.tether.tls.openssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.internal.BufferPool;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenSSL provider itself: its native library loads where Tether ships it (and CI fails, not skips, when it
 * does not), the setting picks it, and it interoperates with the JDK provider in both directions (mutual TLS,
 * both protocol versions, ALPN, resumption).
 */
class OpenSslProviderTest {
    @TempDir
    static Path dir;
    static CertSet certs;

    @BeforeAll
    static void certificates() {
        certs = CertSet.create(dir);
    }

    @Test
    void nativeLibraryLoadsOnLinuxX8664() {
        boolean shipped = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && (System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("x86_64"));
        if (!"true".equals(System.getenv("CI"))) {
            // Only the linux-x86_64 native library is a dependency; elsewhere a developer may lack it. CI may not.
            assumeThat(shipped).as("linux-x86_64").isTrue();
        }
        assertThat(new OpenSslEngineProvider().unavailabilityCause()).as("why OpenSSL cannot load").isEmpty();
        assertThat(OpenSslEngineProvider.isAvailable()).isTrue();
    }

    @Test
    void theSettingPicksOpenSsl() {
        assertThat(certs.clientConfig().provider(TlsProvider.OPENSSL).build().providerInUse()).isEqualTo("OpenSSL");
        assertThat(certs.clientConfig().provider(TlsProvider.PREFER_OPENSSL).build().providerInUse())
                .isEqualTo("OpenSSL");
        assertThat(certs.clientConfig().provider(TlsProvider.JDK).build().providerInUse()).isEqualTo("JDK");
    }

    /**
     * A client that connects and then stays silent: the server's handshake must still finish (OpenSSL's server
     * engine checks the client certificate in a task and only moves on at its next call, which must not wait for
     * bytes the client has no reason to send).
     */
    @ParameterizedTest(name = "client {0}, server {1}, {2}")
    @CsvSource({"OPENSSL, OPENSSL, TLSv1.3", "OPENSSL, OPENSSL, TLSv1.2", "JDK, OPENSSL, TLSv1.3", "OPENSSL, JDK, TLSv1.3"})
    void serverHandshakeFinishesWhileTheClientIsIdle(TlsProvider client, TlsProvider server, String protocol)
            throws Exception {
        TlsConfig serverConfig = certs.serverConfig().provider(server).protocols(protocol)
                .clientAuth(ClientAuth.REQUIRED).build();
        TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.mutualClientConfig().provider(client)
                .build());
        try (TlsEchoServer echo = TlsEchoServer.start(serverConfig);
             TlsConnection c = connector.connect(echo.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
            // Well under the server's 10s handshake deadline: without the fix the server waits all of it.
            assertThat(echo.nextHandshake(Duration.ofSeconds(5))).isInstanceOf(TlsConnection.class);
            assertThat(c.isOpen()).isTrue();
        }
    }

    /** OpenSSL connections do their I/O in direct buffers (no copy into a temporary one per record), and give them back. */
    @Test
    void openSslConnectionsUseDirectBuffers() throws Exception {
        List<ByteBuffer> drained = new ArrayList<>();
        while (BufferPool.SHARED_DIRECT.pooled() > 0) {
            drained.add(BufferPool.SHARED_DIRECT.take(BufferPool.BUFFER_SIZE));
        }
        TlsConfig serverConfig = certs.serverConfig().provider(TlsProvider.JDK).build();
        TlsConnector connector = new TlsConnector(SocketConnector.create(),
                certs.clientConfig().provider(TlsProvider.OPENSSL).build());
        try (TlsEchoServer echo = TlsEchoServer.start(serverConfig);
             TlsConnection c = connector.connect(echo.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
            c.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
            ByteBuffer in = ByteBuffer.allocate(4);
            while (in.hasRemaining()) {
                assertThat(c.read(in, Deadline.after(Duration.ofSeconds(5)))).isPositive();
            }
            assertThat(new String(in.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(BufferPool.SHARED_DIRECT.pooled()).as("direct buffers the OpenSSL client gave back").isPositive();
        } finally {
            drained.forEach(BufferPool.SHARED_DIRECT::give);
        }
    }

    @ParameterizedTest(name = "client {0}, server {1}, {2}")
    @CsvSource({"OPENSSL, JDK, TLSv1.3", "OPENSSL, JDK, TLSv1.2", "JDK, OPENSSL, TLSv1.3", "JDK, OPENSSL, TLSv1.2"})
    void interoperatesWithTheJdkProvider(TlsProvider client, TlsProvider server, String protocol) throws Exception {
        TlsConfig serverConfig = certs.serverConfig().provider(server).protocols(protocol)
                .clientAuth(ClientAuth.REQUIRED).applicationProtocols("tether/1").build();
        TlsConnector connector = new TlsConnector(SocketConnector.create(), certs.mutualClientConfig().provider(client)
                .applicationProtocols("tether/2", "tether/1").build());
        try (TlsEchoServer echo = TlsEchoServer.start(serverConfig)) {
            for (int i = 0; i < 2; i++) {
                try (TlsConnection c = connector.connect(echo.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)))) {
                    assertThat(c.protocol()).isEqualTo(protocol);
                    assertThat(c.applicationProtocol()).contains("tether/1");
                    assertThat(c.isResumed()).as("connection %d resumed", i).isEqualTo(i > 0);
                    c.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
                    ByteBuffer in = ByteBuffer.allocate(4);
                    while (in.hasRemaining()) {
                        assertThat(c.read(in, Deadline.after(Duration.ofSeconds(5)))).isPositive();
                    }
                    assertThat(new String(in.array(), StandardCharsets.US_ASCII)).isEqualTo("ping");
                }
            }
            assertThat(echo.lastClientChain()).isNotEmpty();
        }
    }
}
