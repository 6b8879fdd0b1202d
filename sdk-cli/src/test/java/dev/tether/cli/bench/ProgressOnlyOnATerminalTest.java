package dev.tether.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.TetherCli;
import dev.tether.cli.serve.EchoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live progress line goes to standard error and only when that is a terminal: with {@code 2>bench.log} it used
 * to land in the file, carriage returns and all, because {@code System.console()} only speaks for stdin and stdout.
 * The terminal is real: the bench runs in its own JVM under util-linux {@code script} (Debian's essential
 * bsdutils), which gives it a pseudo-terminal.
 */
class ProgressOnlyOnATerminalTest {
    @TempDir
    Path dir;

    @Test
    void stderrRedirectedToAFileGetsNoProgressLine() throws Exception {
        Path stderr = dir.resolve("bench.err");
        String onTerminal = benchUnderScript("2>" + quote(stderr.toString()));
        assertThat(onTerminal).contains("successes").doesNotContain("errors 0  p99");
        assertThat(Files.readString(stderr, StandardCharsets.UTF_8)).doesNotContain("\r").doesNotContain("calls");
    }

    @Test
    void stderrOnATerminalShowsTheProgressLine() throws Exception {
        String onTerminal = benchUnderScript("");
        assertThat(onTerminal).contains("successes").contains("errors 0  p99").contains("\r");
    }

    /** Runs a short bench under a pseudo-terminal and returns what reached the terminal. */
    private String benchUnderScript(String redirect) throws Exception {
        try (EchoServer server = EchoServer.builder().build()) {
            server.start();
            Path terminal = dir.resolve("terminal-" + System.nanoTime() + ".out");
            String bench = String.join(" ", quote(ProcessHandle.current().info().command().orElse("java")),
                    "-cp", quote(System.getProperty("java.class.path")), TetherCli.class.getName(),
                    "bench", "127.0.0.1:" + server.port(), "--duration", "1500ms", "-c", "1", redirect);
            // script: -q quiet, -e the command's exit code, -c the command; the transcript file is not needed.
            Process process = new ProcessBuilder(List.of("script", "-qec", bench, "/dev/null"))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(terminal.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bench under script finished").isTrue();
            String onTerminal = Files.readString(terminal, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(onTerminal).isZero();
            return onTerminal;
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
