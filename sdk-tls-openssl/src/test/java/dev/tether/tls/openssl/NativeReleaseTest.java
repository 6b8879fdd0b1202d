package dev.tether.tls.openssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.ClientCertificateException;
import dev.tether.tls.HostnameMismatchException;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsMaterialSource;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.UntrustedCertificateException;
import dev.tether.tls.testing.CertSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every OpenSSL engine and context is freed: many connections, with failures mixed in (untrusted server, wrong
 * host, missing client certificate, a client that is not TLS at all), and the configs rebuilt along the way as a
 * reload does. netty's leak detector at paranoid tracks every engine and context; the test asserts that none is
 * left unreleased once the connections are closed (engines: exactly, at once; contexts: once their configs are
 * garbage) and that the detector reported no leak.
 *
 * <p>Runs in its own JVM (a surefire execution of its own), so the counting detector is installed before netty
 * creates its detectors. The count is {@code -Dtether.nativeRelease.connections} (default 1,000: seconds);
 * by hand: {@code -Dtether.nativeRelease.connections=100000} also prints the RSS along the way.
 */
class NativeReleaseTest {
    static {
        CountingLeakDetector.install();
    }

    private static final String ENGINE = "ReferenceCountedOpenSslEngine";
    private static final String CONTEXT = "ReferenceCountedOpenSslContext";
    private static final int CONNECTIONS = Integer.getInteger("tether.nativeRelease.connections", 1_000);
    /** How often the configs are rebuilt (as a reload does), so old contexts must be freed as well. */
    private static final int RELOAD_EVERY = Math.max(100, CONNECTIONS / 10);

    @TempDir
    static Path dir;
    static CertSet certs;
    static CertSet otherCa;

    @BeforeAll
    static void certificates() throws IOException {
        certs = CertSet.create(dir);
        otherCa = CertSet.create(Files.createDirectories(dir.resolve("other")), "Other CA");
    }

    private static TlsConfig.Builder openssl(TlsConfig.Builder b) {
        return b.provider(TlsProvider.OPENSSL);
    }

    @Test
    void manyConnectionsWithFailuresLeaveNoEngineOrContextBehind() throws Exception {
        assertThat(OpenSslEngineProvider.isAvailable()).as("OpenSSL native library").isTrue();
        AtomicReference<TlsConfig> serverConfig = new AtomicReference<>(serverConfig());
        AtomicLong generation = new AtomicLong(1);
        TlsMaterialSource source = () -> new TlsMaterialSource.Snapshot(serverConfig.get(), generation.get());
        TlsAcceptor acceptor = new TlsAcceptor(source);
        AtomicLong serverFailures = new AtomicLong();
        long[] outcomes = new long[5];
        try (ServerListener listener = ServerListener.loopback()) {
            Thread server = new Thread(() -> serve(listener, acceptor, serverFailures), "native-release-accept");
            server.setDaemon(true);
            server.start();
            Endpoint endpoint = Endpoint.of("localhost", listener.endpoint().port());
            TlsConnector good = connector(openssl(certs.mutualClientConfig()).build());
            TlsConnector untrusting = connector(openssl(otherCa.mutualClientConfig()).build());
            TlsConnector noCertificate = connector(openssl(certs.clientConfig()).build());
            Endpoint wrongName = Endpoint.of("127.0.0.1", listener.endpoint().port()).withServerName("other.example");
            long rssStart = rssKiB();
            for (int i = 1; i <= CONNECTIONS; i++) {
                switch (i % 8) {
                    case 5 -> {
                        TlsConnector u = untrusting;
                        assertThatThrownBy(() -> u.connect(endpoint, seconds(10)))
                                .isInstanceOf(UntrustedCertificateException.class);
                        outcomes[1]++;
                    }
                    case 6 -> {
                        TlsConnector g = good;
                        assertThatThrownBy(() -> g.connect(wrongName, seconds(10)))
                                .isInstanceOf(HostnameMismatchException.class);
                        outcomes[2]++;
                    }
                    case 7 -> {
                        // TLS 1.3: the server refuses the missing certificate after the client's handshake, so the
                        // client fails on its first read, with a connection (and engine) it must close.
                        try (TlsConnection c = noCertificate.connect(endpoint, seconds(10))) {
                            assertThatThrownBy(() -> roundTrip(c)).isInstanceOf(ClientCertificateException.class);
                        }
                        outcomes[3]++;
                    }
                    case 0 -> {
                        // Not TLS: the server's engine fails on the first bytes.
                        try (Connection plain = SocketConnector.create().connect(endpoint, seconds(10))) {
                            plain.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                                    seconds(5));
                            ByteBuffer sink = ByteBuffer.allocate(256);
                            while (plain.read(sink, seconds(10)) >= 0) {
                                sink.clear();
                            }
                        } catch (TetherException e) {
                            // The server hung up, possibly with a reset: what matters is its engine, checked below.
                        }
                        outcomes[4]++;
                    }
                    default -> {
                        try (TlsConnection c = good.connect(endpoint, seconds(10))) {
                            roundTrip(c);
                        }
                        outcomes[0]++;
                    }
                }
                if (i % RELOAD_EVERY == 0) {
                    // As a reload does: new configs (new contexts), the old ones become garbage.
                    serverConfig.set(serverConfig());
                    generation.incrementAndGet();
                    good = connector(openssl(certs.mutualClientConfig()).build());
                    untrusting = connector(openssl(otherCa.mutualClientConfig()).build());
                    noCertificate = connector(openssl(certs.clientConfig()).build());
                    if (CONNECTIONS >= 10_000) {
                        System.out.printf("native-release: %d connections, RSS %d KiB (start %d KiB), heap used %d KiB,"
                                        + " netty direct %d KiB, engines open %d, contexts open %d%n", i, rssKiB(),
                                rssStart, heapUsedKiB(), io.netty.util.internal.PlatformDependent.usedDirectMemory() / 1024,
                                CountingLeakDetector.open(ENGINE), CountingLeakDetector.open(CONTEXT));
                    }
                }
            }
            // The server side of the last connection may still be closing.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> CountingLeakDetector.open(ENGINE) == 0);
            assertThat(CountingLeakDetector.created(ENGINE)).as("engines made").isGreaterThanOrEqualTo(CONNECTIONS);
            assertThat(outcomes[1] + outcomes[2] + outcomes[3] + outcomes[4]).as("failures mixed in").isPositive();
            assertThat(serverFailures.get()).as("server-side handshake failures").isPositive();

            // Contexts are freed once their configs are unreachable (a Cleaner gives back the config's reference).
            serverConfig.set(null);
            good = null;
            untrusting = null;
            noCertificate = null;
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                System.gc();
                return CountingLeakDetector.open(CONTEXT) == 0;
            });
            System.out.printf("native-release: %d connections %s, engines made %d, contexts made %d, RSS %d KiB"
                            + " (start %d KiB)%n", CONNECTIONS, java.util.Arrays.toString(outcomes),
                    CountingLeakDetector.created(ENGINE), CountingLeakDetector.created(CONTEXT), rssKiB(), rssStart);
        }
        // The detector reports collected-but-unreleased objects when it next tracks one: make it look.
        System.gc();
        TlsConfig probe = openssl(certs.clientConfig()).build();
        assertThat(probe.providerInUse()).isEqualTo("OpenSSL");
        assertThat(CountingLeakDetector.LEAKS).as("leaks reported by netty's detector").isEmpty();
    }

    private static TlsConfig serverConfig() {
        return openssl(certs.serverConfig()).protocols("TLSv1.3").clientAuth(ClientAuth.REQUIRED).build();
    }

    private static TlsConnector connector(TlsConfig config) {
        return new TlsConnector(SocketConnector.create(), config);
    }

    private static Deadline seconds(int s) {
        return Deadline.after(Duration.ofSeconds(s));
    }

    private static void roundTrip(TlsConnection c) throws TetherException {
        ByteBuffer out = ByteBuffer.allocate(64);
        c.write(out, seconds(5));
        ByteBuffer in = ByteBuffer.allocate(64);
        while (in.hasRemaining()) {
            if (c.read(in, seconds(5)) < 0) {
                throw new AssertionError("echo ended early");
            }
        }
    }

    /** One platform thread per connection: accept, handshake, echo until the client closes. */
    private static void serve(ServerListener listener, TlsAcceptor acceptor, AtomicLong failures) {
        while (true) {
            Connection plain;
            try {
                plain = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> {
                try (TlsConnection tls = acceptor.accept(plain, seconds(10))) {
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    while (true) {
                        buf.clear();
                        if (tls.read(buf, seconds(30)) < 0) {
                            return;
                        }
                        buf.flip();
                        tls.write(buf, seconds(30));
                    }
                } catch (TetherException e) {
                    failures.incrementAndGet();
                }
            }, "native-release-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private static long heapUsedKiB() {
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    }

    /** This process's resident set size, from /proc (Linux). */
    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
