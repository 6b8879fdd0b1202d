package dev.tether.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.it.support.Pki;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TestImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Proves the image's Redis 7 serves TLS with client certificates required: {@code redis-cli} inside
 * the container and the JDK from the host both get {@code PONG} only when they present a certificate.
 */
@RequiresDocker
class RedisTlsPingIT {

    private static final int TLS_PORT = 6380;

    @TempDir
    static Path pkiDir;

    private static Pki pki;
    private static Pki.Leaf client;
    private static GenericContainer<?> redis;

    @BeforeAll
    static void startRedis() throws IOException {
        pki = Pki.create(pkiDir, "smoke");
        Pki.Leaf server = pki.server("server", "localhost");
        client = pki.client("client");
        redis = pki.copyInto(TestImage.container("redis-tls"))
                .withCommand("redis-server",
                        "--port", "0",
                        "--tls-port", Integer.toString(TLS_PORT),
                        "--tls-cert-file", server.containerCertificate(),
                        "--tls-key-file", server.containerKey(),
                        "--tls-ca-cert-file", pki.containerCaCertificate(),
                        "--tls-auth-clients", "yes",
                        "--save", "",
                        "--appendonly", "no",
                        // Protected mode refuses password-less clients from outside the container's
                        // loopback; here a client certificate is the authentication.
                        "--protected-mode", "no")
                .withExposedPorts(TLS_PORT)
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
        redis.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void redisCliWithAClientCertificateGetsPong() throws Exception {
        ExecResult ping = redis.execInContainer("redis-cli", "--tls", "--cacert", pki.containerCaCertificate(),
                "--cert", client.containerCertificate(), "--key", client.containerKey(),
                "-p", Integer.toString(TLS_PORT), "PING");

        assertThat(ping.getExitCode()).as("redis-cli exit code, stderr: %s", ping.getStderr()).isZero();
        assertThat(ping.getStdout().strip()).isEqualTo("PONG");
    }

    @Test
    void redisCliWithoutAClientCertificateIsRefused() throws Exception {
        ExecResult ping = redis.execInContainer("redis-cli", "--tls", "--cacert", pki.containerCaCertificate(),
                "-p", Integer.toString(TLS_PORT), "PING");

        assertThat(ping.getExitCode()).isNotZero();
        assertThat(ping.getStdout() + ping.getStderr()).doesNotContain("PONG");
    }

    @Test
    void jdkClientWithItsCertificateGetsPongThroughTheMappedPort() throws Exception {
        SSLContext context = pki.clientContext(client);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(redis.getHost(), redis.getMappedPort(TLS_PORT)), 5_000);
            plain.setSoTimeout(10_000);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, "localhost", TLS_PORT, true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);

                tls.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                tls.getOutputStream().flush();
                byte[] reply = tls.getInputStream().readNBytes("+PONG\r\n".length());

                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
                assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
        }
    }
}
