package dev.tether.bench.tls;

import dev.tether.core.ConnectFailedException;
import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import java.time.Duration;
import dev.tether.tls.testing.CertSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The same certificate, protocol and cipher for both sides of a comparison: Tether's {@link TlsConnector} and the
 * JDK's {@link SSLSocket}, both TLS 1.3 with {@value #CIPHER}, both verifying the server's name, both with
 * {@code TCP_NODELAY}. The server is a plain JDK {@code SSLServerSocket} ({@link JdkTlsServer}) so neither client
 * gets a home advantage.
 */
final class TlsFixture {
    static final String PROTOCOL = "TLSv1.3";
    static final String CIPHER = "TLS_AES_128_GCM_SHA256";

    final CertSet certs;
    final SSLContext serverContext;
    final SSLContext clientContext;

    TlsFixture() {
        try {
            certs = CertSet.create(Files.createTempDirectory("tether-tls-bench"));
            serverContext = context(List.of(certs.server().certificate(), certs.ca().certificate()), true);
            clientContext = context(List.of(certs.ca().certificate()), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SSLContext context(List<X509Certificate> certificates, boolean server) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certs.ca().certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (server) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("server", certs.server().privateKey(), new char[0],
                        certificates.toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance("PKIX");
                kmf.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tether's client: same CA, protocol and cipher. */
    TlsConnector tetherConnector() {
        TlsConfig config = certs.clientConfig().protocols(PROTOCOL).cipherSuites(CIPHER).build();
        return new TlsConnector(SocketConnector.create(), config);
    }

    /** Tether's TLS layer over {@link BareChannelConnection}, same CA, protocol and cipher. */
    TlsConnection tetherOverBareChannel(Endpoint endpoint) throws Exception {
        TlsConfig config = certs.clientConfig().protocols(PROTOCOL).cipherSuites(CIPHER).build();
        Connector bare = (target, deadline) -> {
            try {
                return new BareChannelConnection(target);
            } catch (IOException e) {
                throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, target, e.getMessage(), e);
            }
        };
        return new TlsConnector(bare, config).connect(endpoint, Deadline.after(Duration.ofSeconds(10)));
    }

    /** A connected, handshaken JDK client socket with the same settings. */
    SSLSocket jdkSocket(Endpoint endpoint) throws IOException {
        Socket plain = new Socket(InetAddress.getByName(endpoint.host()), endpoint.port());
        plain.setTcpNoDelay(true);
        SSLSocket socket = (SSLSocket) clientContext.getSocketFactory()
                .createSocket(plain, "localhost", endpoint.port(), true);
        SSLParameters p = socket.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setCipherSuites(new String[] {CIPHER});
        p.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(p);
        socket.startHandshake();
        return socket;
    }
}
