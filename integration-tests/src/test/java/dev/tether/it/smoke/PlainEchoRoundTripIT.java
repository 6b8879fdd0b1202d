package dev.tether.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.TestImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Proves the container plumbing end to end without TLS: a socat echo server in the test image,
 * reached from the test JVM through the mapped port with a plain socket.
 */
@RequiresDocker
class PlainEchoRoundTripIT {

    private static final int ECHO_PORT = 7000;

    private static GenericContainer<?> echo;

    @BeforeAll
    static void startEchoServer() {
        echo = TestImage.container("plain-echo")
                .withCommand("socat", "TCP-LISTEN:" + ECHO_PORT + ",fork,reuseaddr", "PIPE")
                .withExposedPorts(ECHO_PORT)
                .waitingFor(Wait.forListeningPort());
        echo.start();
    }

    @AfterAll
    static void stopEchoServer() {
        if (echo != null) {
            echo.stop();
        }
    }

    @Test
    void everyByteValueComesBackUnchanged() throws IOException {
        byte[] payload = new byte[256 * 64];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }

        assertThat(roundTrip(payload)).isEqualTo(payload);
    }

    @Test
    void separateConnectionsEachGetTheirOwnEcho() throws IOException {
        Random random = new Random(6);
        byte[] first = new byte[1000];
        byte[] second = new byte[3000];
        random.nextBytes(first);
        random.nextBytes(second);

        assertThat(roundTrip(first)).isEqualTo(first);
        assertThat(roundTrip(second)).isEqualTo(second);
    }

    private static byte[] roundTrip(byte[] payload) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(echo.getHost(), echo.getMappedPort(ECHO_PORT)), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(payload);
            out.flush();
            // Half-close: socat echoes what it has, sees end of input and closes, which ends our read.
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        }
    }
}
