package dev.tether.tls.testing;

import dev.tether.core.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a real {@code openssl s_client} against a loopback endpoint: connects, handshakes, sends the
 * given stdin (s_client's interactive commands such as {@code R} for renegotiation, or data) and returns
 * everything it printed and its exit code.
 */
public final class OpenSslClient {
    private OpenSslClient() {
    }

    /** What s_client printed (stdout and stderr) and how it exited. */
    public record Result(int exitCode, String output) {
    }

    /** Runs s_client in {@code workDir} against {@code endpoint} with {@code args}, feeding it {@code stdin}. */
    public static Result run(Path workDir, Endpoint endpoint, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + endpoint.port(), "-servername", "localhost"));
        command.addAll(Arrays.asList(args));
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.ISO_8859_1));
            p.getOutputStream().flush();
            // Closing stdin ends s_client once it has done what it was asked (unless -ign_eof).
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("s_client did not exit: " + new String(out, StandardCharsets.ISO_8859_1));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
