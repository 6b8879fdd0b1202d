package dev.tether.tls.testing;

import dev.tether.core.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A real {@code openssl s_server} on a free loopback port (the kernel picks it: {@code -accept 0}), killed on
 * close. Its stdin is kept open so tests can type s_server's interactive commands ({@code K} sends a
 * KeyUpdate that requests one back) or data for the client; its output is collected for assertions.
 */
public final class OpenSslServer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)\\s*$");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int port;
    private final OutputStream stdin;

    private OpenSslServer(Path workDir, List<String> args) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0"));
        command.addAll(args);
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        stdin = process.getOutputStream();
        CompletableFuture<Integer> portFuture = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = ACCEPT.matcher(line);
                    if (!portFuture.isDone() && m.find()) {
                        portFuture.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                portFuture.completeExceptionally(e);
            }
            portFuture.completeExceptionally(new IllegalStateException("s_server exited: " + output));
        }, "openssl-s_server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            port = portFuture.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("openssl s_server did not start: " + output + " (" + command + ")", e);
        }
    }

    /**
     * Starts {@code openssl s_server} with these arguments in {@code workDir} (where relative certificate
     * paths resolve), for example {@code "-cert", "server.pem", "-key", "server.key", "-tls1_3"}.
     */
    public static OpenSslServer start(Path workDir, String... args) {
        return new OpenSslServer(workDir, Arrays.asList(args));
    }

    /** Starts s_server with the set's server certificate and key plus {@code extra} arguments. */
    public static OpenSslServer start(CertSet certs, String... extra) {
        List<String> args = new ArrayList<>(List.of("-cert", "server.pem", "-key", "server.key"));
        args.addAll(Arrays.asList(extra));
        return new OpenSslServer(certs.dir(), args);
    }

    public int port() {
        return port;
    }

    /** {@code localhost:port}, matching the test server certificate's DNS name. */
    public Endpoint endpoint() {
        return Endpoint.of("localhost", port);
    }

    /** Everything s_server printed so far. */
    public String output() {
        return output.toString();
    }

    /** Types a line into s_server's stdin (a command such as {@code K}, or data for the client). */
    public void type(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("s_server stdin closed: " + output, e);
        }
    }

    /** Waits until s_server's output contains {@code text}. */
    public void awaitOutput(String text, Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(10))
                    .until(() -> output.indexOf(text) >= 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("s_server did not print '" + text + "' within " + timeout + "; it printed:\n"
                    + output, e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
