package dev.tether.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.core.Connection;
import dev.tether.core.Endpoint;
import dev.tether.core.TetherException;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.ClientCertificateException;
import dev.tether.tls.testing.CertSet;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With client certificates required, the server reports who connected (TLS version, cipher, the client
 * certificate's subject) and turns away clients without a certificate, reporting why.
 */
class MutualTlsEchoServerTest {
    @TempDir
    Path dir;

    private final List<PeerInfo> opened = new CopyOnWriteArrayList<>();
    private final List<TetherException> failures = new CopyOnWriteArrayList<>();

    @Test
    void reportsTheClientCertificateSubjectProtocolAndCipher() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = mutualTlsServer(certs);
             FramedConnection<String, String> framed = new FramedConnection<>(
                     EchoClient.tls(Endpoint.of("localhost", server.port()), certs.mutualClientConfig().build()),
                     LineCodec.create())) {
            assertThat(framed.exchange("ping", EchoClient.deadline())).isEqualTo("ping");
            assertThat(opened).hasSize(1);
            PeerInfo peer = opened.get(0);
            assertThat(peer.tlsProtocol()).contains("TLSv1.3");
            assertThat(peer.cipherSuite()).hasValueSatisfying(c -> assertThat(c).startsWith("TLS_"));
            assertThat(peer.clientSubject()).contains("CN=tether-client");
            assertThat(peer.id()).isEqualTo(1);
        }
    }

    @Test
    void aClientWithoutCertificateIsRefusedAndTheFailureReported() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = mutualTlsServer(certs)) {
            assertThatThrownBy(() -> {
                try (FramedConnection<String, String> framed = new FramedConnection<>(
                        EchoClient.tls(Endpoint.of("localhost", server.port()), certs.clientConfig().build()),
                        LineCodec.create())) {
                    // TLS 1.3: the server checks the client certificate after the client's handshake ends.
                    framed.exchange("ping", EchoClient.deadline());
                }
            }).isInstanceOf(ClientCertificateException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
            assertThat(failures.get(0)).isInstanceOf(ClientCertificateException.class);
            assertThat(opened).isEmpty();
            assertThat(server.handshakeFailures()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        }
    }

    @Test
    void aPlainClientOnATlsPortIsReportedAsAHandshakeFailure() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = mutualTlsServer(certs); Connection plain = EchoClient.plain(server.endpoint())) {
            plain.write(java.nio.ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII)), EchoClient.deadline());
            await().atMost(Duration.ofSeconds(10)).until(() -> !failures.isEmpty());
            assertThat(failures.get(0)).hasMessageContaining("does not speak TLS");
        }
    }

    private EchoServer mutualTlsServer(CertSet certs) throws Exception {
        EchoServer server = EchoServer.builder().protocol(EchoProtocol.LINE)
                .tls(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build())
                .listener(new EchoServer.Listener() {
                    @Override
                    public void connectionOpened(PeerInfo peer) {
                        opened.add(peer);
                    }

                    @Override
                    public void handshakeFailed(long id, SocketAddress peer, TetherException failure) {
                        failures.add(failure);
                    }
                }).build();
        server.start();
        return server;
    }
}
