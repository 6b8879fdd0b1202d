package dev.tether.bench.tls;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.cert.Pem;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Retained heap per idle TLS connection: opens N connections of one kind, makes one 64-byte round trip on each
 * (so buffers have been used), lets them sit idle, and divides the heap growth after a full GC by N. Kinds:
 * {@code tether} (TlsConnection over SocketConnector), {@code engine} (the baseline: a bare SocketChannel plus
 * a handshaken SSLEngine, nothing else retained) and {@code sslsocket} (the JDK's SSLSocket, for reference).
 * The server runs in a child JVM so its memory does not count.
 *
 * <p>Run: {@code java -XX:+UseSerialGC -Xmx2g -cp benchmarks.jar dev.tether.bench.tls.IdleTlsMemory [N]}.
 */
public final class IdleTlsMemory {
    private IdleTlsMemory() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--server")) {
            serve(Path.of(args[1]));
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        TlsFixture fixture = new TlsFixture();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss256k", "-cp", System.getProperty("java.class.path"), IdleTlsMemory.class.getName(), "--server",
                fixture.certs.dir().toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine().trim());
            Endpoint endpoint = Endpoint.of("localhost", port);
            TlsConnector tether = fixture.tetherConnector();
            // Warm up each kind once so class loading and caches are not counted.
            measure("warm-up", 20, () -> tetherConnection(tether, endpoint));
            measure("warm-up", 20, () -> bareEngine(fixture.clientContext, endpoint));
            measure("warm-up", 20, () -> sslSocket(fixture, endpoint));
            double engine = measure("engine", n, () -> bareEngine(fixture.clientContext, endpoint));
            double teth = measure("tether", n, () -> tetherConnection(tether, endpoint));
            double jdk = measure("sslsocket", n, () -> sslSocket(fixture, endpoint));
            System.out.printf(Locale.ROOT, "%nper idle connection: tether %.0f B, bare SSLEngine %.0f B, SSLSocket %.0f B;"
                    + " tether beyond the bare engine: %.0f B%n", teth, engine, jdk, teth - engine);
        } finally {
            server.destroyForcibly();
        }
    }

    interface Opener {
        AutoCloseable open() throws Exception;
    }

    private static double measure(String kind, int n, Opener opener) throws Exception {
        long before = usedAfterGc();
        List<AutoCloseable> open = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            open.add(opener.open());
        }
        long after = usedAfterGc();
        double per = (after - before) / (double) n;
        if (!kind.equals("warm-up")) {
            System.out.printf(Locale.ROOT, "%-10s %6d connections: heap +%,d B = %.0f B per connection%n", kind, n,
                    after - before, per);
        }
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
        return per;
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static AutoCloseable tetherConnection(TlsConnector connector, Endpoint endpoint) throws Exception {
        TlsConnection c = connector.connect(endpoint, Deadline.after(Duration.ofSeconds(30)));
        Deadline d = Deadline.after(Duration.ofSeconds(30));
        c.write(ByteBuffer.allocate(64), d);
        ByteBuffer in = ByteBuffer.allocate(64);
        while (in.hasRemaining()) {
            c.read(in, d);
        }
        return c;
    }

    private static AutoCloseable sslSocket(TlsFixture fixture, Endpoint endpoint) throws Exception {
        SSLSocket s = fixture.jdkSocket(endpoint);
        OutputStream out = s.getOutputStream();
        out.write(new byte[64]);
        out.flush();
        InputStream in = s.getInputStream();
        int got = 0;
        byte[] buf = new byte[64];
        while (got < 64) {
            got += in.read(buf, got, 64 - got);
        }
        return s;
    }

    /** The baseline: a handshaken engine and its channel, with every buffer dropped after use. */
    private static AutoCloseable bareEngine(SSLContext context, Endpoint endpoint) throws Exception {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", endpoint.port()));
        ch.socket().setTcpNoDelay(true);
        SSLEngine engine = context.createSSLEngine("localhost", endpoint.port());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {TlsFixture.PROTOCOL});
        p.setCipherSuites(new String[] {TlsFixture.CIPHER});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        int size = engine.getSession().getPacketBufferSize();
        ByteBuffer netIn = ByteBuffer.allocate(size);
        ByteBuffer netOut = ByteBuffer.allocate(size);
        ByteBuffer app = ByteBuffer.allocate(size);
        engine.beginHandshake();
        while (true) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                netOut.clear();
                engine.wrap(ByteBuffer.allocate(0), netOut);
                netOut.flip();
                while (netOut.hasRemaining()) {
                    ch.write(netOut);
                }
            } else if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                netIn.flip();
                SSLEngineResult r = engine.unwrap(netIn, app);
                netIn.compact();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && ch.read(netIn) < 0) {
                    throw new IllegalStateException("server closed during the handshake");
                }
            } else if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else {
                break;
            }
        }
        netOut.clear();
        engine.wrap(ByteBuffer.allocate(64), netOut);
        netOut.flip();
        while (netOut.hasRemaining()) {
            ch.write(netOut);
        }
        int got = 0;
        while (got < 64) {
            netIn.flip();
            app.clear();
            SSLEngineResult r = engine.unwrap(netIn, app);
            netIn.compact();
            got += r.bytesProduced();
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || (r.bytesConsumed() == 0 && got < 64)) {
                if (ch.read(netIn) < 0) {
                    throw new IllegalStateException("server closed");
                }
            }
        }
        return new BareEngine(ch, engine);
    }

    /** What a minimal SSLEngine user must keep per connection: the channel and the engine. */
    private record BareEngine(SocketChannel channel, SSLEngine engine) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            channel.close();
        }
    }

    /** Child process: a JDK echo server for the measured clients. */
    private static void serve(Path certDir) throws Exception {
        List<X509Certificate> chain = Pem.readCertificates(certDir.resolve("server.pem"));
        PrivateKey key = Pem.readPrivateKey(certDir.resolve("server.key"), null);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, new char[0], chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        JdkTlsServer server = new JdkTlsServer(context, JdkTlsServer.Mode.ECHO);
        System.out.println(server.endpoint().port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
