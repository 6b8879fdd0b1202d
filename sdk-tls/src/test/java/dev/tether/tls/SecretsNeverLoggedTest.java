package dev.tether.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every logger at TRACE, a mutual-TLS client and server with encrypted private keys go through
 * handshakes, echoed payloads, a key reload and failures ({@link SecretsScenario}); no password, private key
 * (base64, hex or the raw scalar) or payload byte appears in the log, in exception messages and stack traces,
 * or in toString() output. The scenario runs in a child JVM because slf4j-simple fixes its levels when it
 * starts, and this JVM's tests start it at the default level.
 */
class SecretsNeverLoggedTest {
    @TempDir
    Path dir;

    @Test
    void noSecretAppearsAtTrace() throws Exception {
        Path secretsFile = dir.resolve("secrets.txt");
        Path work = Files.createDirectories(dir.resolve("work"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                "-Dorg.slf4j.simpleLogger.logFile=System.err",
                "-cp", System.getProperty("java.class.path"),
                SecretsScenario.class.getName(), secretsFile.toString(), work.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        // The scenario really ran at TRACE/DEBUG, through handshakes, echoes, a reload and each failure.
        assertThat(output).contains("scenario done").contains("DEBUG dev.tether.tls")
                .contains("TLS handshake with").contains("echo ok").contains("reloaded: true")
                .contains("failure 'wrong password'").contains("failure 'untrusted server'")
                .contains("failure 'client without certificate'").contains("reload of a broken key: false");
        List<String> secrets = Files.readAllLines(secretsFile, StandardCharsets.UTF_8);
        assertThat(secrets).hasSizeGreaterThan(20);
        for (String secret : secrets) {
            assertThat(output).as("output contains a secret: %s", secret).doesNotContainIgnoringCase(secret);
        }
    }
}
