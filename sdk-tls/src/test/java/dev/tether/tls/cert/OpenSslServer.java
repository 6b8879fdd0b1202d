package dev.tether.tls.cert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code openssl s_server} process on a free loopback port (the kernel picks it: {@code -accept 0}),
 * killed on close. Output is collected for assertion messages.
 */
final class OpenSslServer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)\\s*$");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final int port;

    private OpenSslServer(Path workDir, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.add("s_server");
        command.add("-accept");
        command.add("127.0.0.1:0");
        command.addAll(args);
        process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        CompletableFuture<Integer> portFuture = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    Matcher m = ACCEPT.matcher(line);
                    if (m.find()) {
                        portFuture.complete(Integer.parseInt(m.group(1)));
                    }
                }
                portFuture.completeExceptionally(new IOException("s_server exited:\n" + output));
            } catch (IOException e) {
                portFuture.completeExceptionally(e);
            }
        }, "openssl-s_server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            port = portFuture.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("openssl s_server did not start:\n" + output, e);
        }
    }

    static OpenSslServer start(Path workDir, String... args) throws Exception {
        return new OpenSslServer(workDir, List.of(args));
    }

    int port() {
        return port;
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
