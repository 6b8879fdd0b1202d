package dev.tether.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tether.cli.Cli;
import dev.tether.cli.TetherCli;
import dev.tether.core.ConnectFailedException;
import dev.tether.core.Endpoint;
import dev.tether.core.codec.FramedConnection;
import dev.tether.core.codec.LineCodec;
import dev.tether.tls.testing.CertSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether serve} as a user runs it: in its own JVM, printing the port it picked and a line per
 * connection, and stopping cleanly on SIGTERM (what Ctrl-C and {@code kill} send), after which the port is
 * closed.
 */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");

    @TempDir
    Path dir;

    @Test
    void servesMutualTlsLogsEachConnectionAndStopsOnSigterm() throws Exception {
        CertSet certs = CertSet.create(dir);
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), TetherCli.class.getName(),
                "serve", "--port", "0", "--protocol", "line",
                "--cert", certs.serverCertFile().toString(), "--key", certs.serverKeyFile().toString(),
                "--client-ca", certs.caFile().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                output.append("[output read failed: ").append(e).append("]\n");
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> LISTENING.matcher(output).find());
            Matcher m = LISTENING.matcher(output);
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));
            assertThat(output.toString()).contains("line echo, TLS TLSv1.3/TLSv1.2, client certificate required");

            Endpoint endpoint = Endpoint.of("localhost", port);
            try (FramedConnection<String, String> framed = new FramedConnection<>(
                    EchoClient.tls(endpoint, certs.mutualClientConfig().build()), LineCodec.create())) {
                assertThat(framed.exchange("secret payload", EchoClient.deadline())).isEqualTo("secret payload");
                await().atMost(Duration.ofSeconds(10)).until(() -> output.indexOf(" #1 ") >= 0);
            }
            String connectionLine = output.toString().lines().filter(l -> l.contains(" #1 ")).findFirst().orElseThrow();
            assertThat(connectionLine).contains("TLSv1.3").contains("TLS_").contains("CN=tether-client")
                    .contains("127.0.0.1:");
            assertThat(output.toString()).doesNotContain("secret payload");

            // SIGTERM through the handle: Process.destroy() would also close the output we still read.
            process.toHandle().destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(output.toString()).contains("stopping: closing").contains("stopped after 1 connection(s)");
            assertThatThrownBy(() -> EchoClient.plain(endpoint)).isInstanceOf(ConnectFailedException.class);
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void halfGivenTlsMaterialIsAUsageError() {
        Cli.Result result = Cli.run("serve", "--cert", dir.resolve("server.pem").toString());
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("--cert and --key go together");
    }

    @Test
    void aPortOutOfRangeIsAUsageError() {
        Cli.Result result = Cli.run("serve", "--port", "70000");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).contains("70000");
    }
}
