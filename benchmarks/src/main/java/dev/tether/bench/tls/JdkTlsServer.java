package dev.tether.bench.tls;

import dev.tether.core.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;

/**
 * A TLS server on the JDK's {@code SSLServerSocket}, one platform thread per connection, that either echoes or
 * discards what it reads. Neutral ground for comparing clients.
 */
final class JdkTlsServer implements AutoCloseable {
    enum Mode { ECHO, DISCARD }

    private final SSLServerSocket server;
    private final Mode mode;

    JdkTlsServer(SSLContext context, Mode mode) throws IOException {
        this.mode = mode;
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1024,
                InetAddress.getLoopbackAddress());
        SSLParameters p = server.getSSLParameters();
        p.setProtocols(new String[] {TlsFixture.PROTOCOL});
        p.setCipherSuites(new String[] {TlsFixture.CIPHER});
        server.setSSLParameters(p);
        Thread t = new Thread(this::acceptLoop, "jdk-tls-server");
        t.setDaemon(true);
        t.start();
    }

    Endpoint endpoint() {
        return Endpoint.of("localhost", server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread t = new Thread(() -> serve(s), "jdk-tls-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        byte[] buf = new byte[64 * 1024];
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (mode == Mode.ECHO) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
