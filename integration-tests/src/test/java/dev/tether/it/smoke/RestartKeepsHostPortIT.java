package dev.tether.it.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import dev.tether.it.support.RequiresDocker;
import dev.tether.it.support.StableHostPorts;
import dev.tether.it.support.TestImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Proves what the fault scenarios rely on: a server container stopped and started again (tini as
 * PID 1 makes the stop prompt) answers again on the same host address when its port is published
 * with {@link StableHostPorts}.
 */
@RequiresDocker
class RestartKeepsHostPortIT {

    private static final int ECHO_PORT = 7000;
    private static final byte[] PING = "still there?\n".getBytes(StandardCharsets.US_ASCII);

    private GenericContainer<?> echo;

    @AfterEach
    void stopEchoServer() {
        if (echo != null) {
            echo.stop();
        }
    }

    @Test
    void echoServerAnswersOnTheSameHostPortAfterStopAndStart() throws IOException {
        echo = TestImage.container("restart-echo")
                .withCommand("socat", "TCP-LISTEN:" + ECHO_PORT + ",fork,reuseaddr", "PIPE")
                .waitingFor(Wait.forListeningPort());
        int hostPort = StableHostPorts.bind(echo, ECHO_PORT);
        echo.start();
        InetSocketAddress address = new InetSocketAddress(echo.getHost(), hostPort);
        assertThat(echo.getMappedPort(ECHO_PORT)).isEqualTo(hostPort);
        assertThat(roundTrip(address)).isEqualTo(PING);

        DockerClient docker = echo.getDockerClient();
        docker.stopContainerCmd(echo.getContainerId()).withTimeout(10).exec();
        assertThatThrownBy(() -> roundTrip(address)).isInstanceOf(IOException.class);

        docker.startContainerCmd(echo.getContainerId()).exec();
        Awaitility.await("echo server back on " + address)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> Arrays.equals(roundTrip(address), PING));
    }

    private static byte[] roundTrip(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(PING);
            socket.shutdownOutput();
            return socket.getInputStream().readAllBytes();
        }
    }
}
