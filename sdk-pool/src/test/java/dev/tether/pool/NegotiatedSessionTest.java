package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.codec.LineCodec;
import dev.tether.pool.testing.Clients;
import dev.tether.pool.testing.FaultyServer;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsSessionInfo;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What was negotiated is visible on a Lease and per endpoint in stats(), and absent for plain TCP. */
class NegotiatedSessionTest {
    @TempDir
    Path dir;

    @Test
    void leaseAndStatsShowProtocolCipherAlpnResumptionAndThePeerChain() throws Exception {
        CertSet certs = CertSet.create(dir);
        // ALPN is configured on both sides only so there is an ALPN result to show.
        try (TlsEchoServer server = TlsEchoServer.start(certs.serverConfig().clientAuth(ClientAuth.REQUIRED)
                     .applicationProtocols("tether-echo/1").build());
             TetherClient<String, String> client = TetherClient.builder(LineCodec.create()).endpoint(server.endpoint())
                     .tls(certs.mutualClientConfig().applicationProtocols("tether-echo/1").build()).build()) {
            assertThat(client.stats().get(server.endpoint()).tlsSession()).as("before any connection").isEmpty();
            TlsSessionInfo seen;
            try (Lease<String, String> lease = client.lease()) {
                assertThat(lease.exchange("hi")).isEqualTo("hi");
                seen = lease.tlsSession().orElseThrow();
            }
            assertThat(seen.protocol()).isEqualTo("TLSv1.3");
            assertThat(seen.cipherSuite()).startsWith("TLS_");
            assertThat(seen.applicationProtocol()).hasValue("tether-echo/1");
            assertThat(seen.resumed()).as("the first connection cannot resume anything").isFalse();
            assertThat(seen.peerCertificates().get(0)).isEqualTo(certs.server().certificate());
            assertThat(seen.peerSubject()).hasValue("CN=localhost");
            assertThat(seen.toString()).contains("TLSv1.3").contains("alpn=tether-echo/1").contains("peer=CN=localhost");

            TlsSessionInfo stats = client.stats().get(server.endpoint()).tlsSession().orElseThrow();
            assertThat(stats.protocol()).isEqualTo(seen.protocol());
            assertThat(stats.cipherSuite()).isEqualTo(seen.cipherSuite());
            assertThat(stats.peerCertificates()).isEqualTo(seen.peerCertificates());
        }
    }

    @Test
    void plainTcpHasNoSession() throws Exception {
        try (FaultyServer server = FaultyServer.start();
             TetherClient<String, String> client = Clients.forServer(server).build()) {
            try (Lease<String, String> lease = client.lease()) {
                lease.exchange("hi");
                assertThat(lease.tlsSession()).isEmpty();
            }
            assertThat(client.stats().get(server.endpoint()).tlsSession()).isEmpty();
        }
    }
}
