package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SNI carries the endpoint's TLS name: the host, or the explicit server name; never an IP address. */
class ServerNameIndicationTest {
    @TempDir
    static Path dir;
    static CertSet certs;
    static TlsEchoServer server;

    @BeforeAll
    static void start() {
        certs = CertSet.create(dir);
        server = TlsEchoServer.start(certs.serverConfig().build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The server names the server saw in the ClientHello of a connection to {@code endpoint}. */
    private static List<String> sniSeenFor(Endpoint endpoint, TlsConfig config) throws Exception {
        try (TlsConnection c = new TlsConnector(SocketConnector.create(), config)
                .connect(endpoint, Deadline.after(Duration.ofSeconds(10)))) {
            assertThat(Echo.roundTrip(c, "sni")).isEqualTo("sni");
            Object handshake = server.nextHandshake(Duration.ofSeconds(5));
            ExtendedSSLSession session = (ExtendedSSLSession) ((TlsConnection) handshake).session();
            return session.getRequestedServerNames().stream()
                    .map(n -> ((SNIHostName) n).getAsciiName()).collect(Collectors.toList());
        }
    }

    @Test
    void hostNameIsSent() throws Exception {
        assertThat(sniSeenFor(Endpoint.of("localhost", server.endpoint().port()), certs.clientConfig().build()))
                .containsExactly("localhost");
    }

    @Test
    void ipAddressIsNotSent() throws Exception {
        assertThat(sniSeenFor(server.endpoint(), certs.clientConfig().build())).isEmpty();
    }

    @Test
    void explicitServerNameIsSentAndVerified() throws Exception {
        Endpoint byIp = server.endpoint().withServerName("localhost");
        assertThat(sniSeenFor(byIp, certs.clientConfig().sessionResumption(false).build())).containsExactly("localhost");
    }
}
