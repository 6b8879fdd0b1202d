package dev.tether.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.TetherException;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.testing.CertSet;
import dev.tether.tls.testing.TlsEchoServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage example of the README, line for line, against two local mutual-TLS echo servers. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleWorksAsWritten() throws TetherException {
        CertSet certs = CertSet.create(dir);
        TlsConfig server = certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build();
        try (TlsEchoServer one = TlsEchoServer.start(server); TlsEchoServer two = TlsEchoServer.start(server)) {
            String first = one.endpoint().toString();
            String second = two.endpoint().toString();
            Path ca = certs.caFile();
            Path clientPem = certs.clientCertFile();
            Path clientKey = certs.clientKeyFile();

            try (TetherClient<String, String> client = TetherClient.builder(LineCodec.create())
                    .endpoint(first).endpoint(second)
                    .tls(TlsConfig.builder().trustPemFile(ca).keyMaterial(clientPem, clientKey).build())
                    .pool(PoolSettings.builder().maxPerEndpoint(32).minIdlePerEndpoint(4).build())
                    .build()) {
                String user = client.call("GET user:42", CallOptions.timeout(Duration.ofSeconds(2)).idempotent());
                client.call("INCR visits");                        // not idempotent: never sent twice
                try (Lease<String, String> tx = client.lease()) { tx.exchange("MULTI"); tx.exchange("EXEC"); }
                assertThat(user).isEqualTo("GET user:42");
            }
        }
    }
}
