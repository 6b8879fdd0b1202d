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

    /**
     * Starts s_client for interactive use: s_client recognises a command ({@code R}, {@code K}) only when a
     * read from stdin starts with it, so each {@link Session#type} is one write, after the caller waited for
     * what the previous one caused.
     */
    public static Session start(Path workDir, Endpoint endpoint, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + endpoint.port(), "-servername", "localhost"));
        command.addAll(Arrays.asList(args));
        try {
            return new Session(new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    /** A running s_client. */
    public static final class Session implements AutoCloseable {
        private final Process process;
        private final StringBuffer output = new StringBuffer();

        private Session(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (var in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        output.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                } catch (IOException e) {
                    output.append("\n[output read failed: ").append(e).append("]\n");
                }
            }, "openssl-s_client-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Writes one line to s_client's stdin in one write. */
        public void type(String line) {
            try {
                process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
                process.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException("s_client stdin closed: " + output, e);
            }
        }

        /** Waits until the output contains {@code text}. */
        public void awaitOutput(String text, java.time.Duration timeout) {
            try {
                org.awaitility.Awaitility.await().atMost(timeout).pollInterval(java.time.Duration.ofMillis(10))
                        .until(() -> output.indexOf(text) >= 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("s_client did not print '" + text + "' within " + timeout + ":\n" + output, e);
            }
        }

        /** Waits for s_client to exit (for example because the server closed the connection). */
        public boolean awaitExit(java.time.Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public String output() {
            return output.toString();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
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
