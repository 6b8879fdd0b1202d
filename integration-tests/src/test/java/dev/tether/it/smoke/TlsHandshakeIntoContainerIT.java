package dev.tether.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.it.support.Pki;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TestImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Proves that certificates made by the test reach a TLS server in a container and that the JDK
 * completes a verified TLS 1.3 handshake with it (hostname verification on) through the mapped port.
 */
@RequiresDocker
class TlsHandshakeIntoContainerIT {

    private static final int TLS_PORT = 8443;

    @TempDir
    static Path pkiDir;

    private static Pki pki;
    private static Pki.Leaf cert;
    private static GenericContainer<?> server;

    @BeforeAll
    static void startTlsEchoServer() throws IOException {
        pki = Pki.create(pkiDir, "smoke");
        cert = pki.server("server", "localhost");
        server = pki.copyInto(TestImage.container("tls-echo"))
                .withCommand("socat", "OPENSSL-LISTEN:" + TLS_PORT + ",fork,reuseaddr"
                        + ",cert=" + cert.containerCertificate()
                        + ",key=" + cert.containerKey()
                        + ",verify=0", "PIPE")
                .withExposedPorts(TLS_PORT)
                .waitingFor(Wait.forListeningPort());
        server.start();
    }

    @AfterAll
    static void stopTlsEchoServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void handshakeNegotiatesTls13WithTheCertificateTheTestIssued() throws Exception {
        try (SSLSocket tls = connect(pki.clientContext(null))) {
            tls.startHandshake();

            assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
            X509Certificate peer = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            assertThat(peer).isEqualTo(cert.held().certificate());
            assertThat(peer.getSubjectX500Principal().getName()).contains("CN=server");

            byte[] hello = "hello through TLS\n".getBytes(StandardCharsets.US_ASCII);
            tls.getOutputStream().write(hello);
            tls.getOutputStream().flush();
            assertThat(tls.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
        }
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheServer(@TempDir Path otherPkiDir) throws Exception {
        Pki stranger = Pki.create(otherPkiDir, "stranger");
        try (SSLSocket tls = connect(stranger.clientContext(null))) {
            assertThatThrownBy(tls::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    private static SSLSocket connect(SSLContext context) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(server.getHost(), server.getMappedPort(TLS_PORT)), 5_000);
            plain.setSoTimeout(10_000);
            // The mapped address is not what the certificate names; verify against the name the server is known by.
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", TLS_PORT, true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            tls.setSSLParameters(parameters);
            return tls;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }
}
