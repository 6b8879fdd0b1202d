package dev.tether.bench.pool;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.TetherException;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Echo servers for the pool benchmarks, in the benchmark's JVM: a plain one (Tether's {@link ServerListener},
 * a platform thread per connection) and a mutual-TLS one (sdk-tls's {@link TlsEchoServer}), with the matching
 * client material for Tether and for a bare JDK {@code SSLSocket}.
 */
final class EchoServers implements AutoCloseable {
    private final ServerListener plain;
    private final TlsEchoServer tls;
    private final CertSet certs;
    private final Path dir;

    EchoServers() {
        try {
            dir = Files.createTempDirectory("tether-bench-certs");
            certs = CertSet.create(dir);
            tls = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build());
            plain = ServerListener.loopback();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptPlain, "bench-echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Endpoint plainEndpoint() {
        return plain.endpoint();
    }

    Endpoint tlsEndpoint() {
        return tls.endpoint();
    }

    /** Tether client material: trusts the test CA and presents the client certificate. */
    TlsConfig clientTlsConfig() {
        return certs.mutualClientConfig().build();
    }

    /** The same material as a JDK {@link SSLContext}, for the bare-{@code SSLSocket} baseline. */
    SSLContext jdkClientContext() {
        return jdkClientContext(certs);
    }

    /** {@code certs}' client certificate and CA as a JDK {@link SSLContext}, for JDK-socket clients (Jedis too). */
    static SSLContext jdkClientContext(CertSet certs) {
        try {
            HeldCertificate client = certs.client();
            char[] password = "bench".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", client.privateKey(), password,
                    List.of(client.certificate(), certs.ca().certificate()).toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certs.ca().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not build the JDK client context", e);
        }
    }

    private void acceptPlain() {
        while (true) {
            Connection c;
            try {
                c = plain.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> echo(c), "bench-echo");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void echo(Connection c) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try (c) {
            while (true) {
                buf.clear();
                if (c.read(buf, Deadline.after(Duration.ofHours(1))) < 0) {
                    return;
                }
                buf.flip();
                c.write(buf, Deadline.after(Duration.ofMinutes(1)));
            }
        } catch (TetherException e) {
            // The benchmark closed its side.
        }
    }

    @Override
    public void close() throws IOException {
        plain.close();
        tls.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
