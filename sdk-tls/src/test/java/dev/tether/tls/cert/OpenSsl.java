package dev.tether.tls.cert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openssl} binary for interoperability tests, always with a timeout. */
final class OpenSsl {
    private static final long TIMEOUT_SECONDS = 30;

    /** Exit code and merged output of one run. */
    record Result(int exitCode, String output) {
        Result requireSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("openssl failed with exit code " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private OpenSsl() {
    }

    static Result run(Path workDir, String... args) {
        return run(workDir, null, args);
    }

    static Result run(Path workDir, byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start openssl", e);
        }
        try {
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("openssl " + String.join(" ", args) + " did not finish in "
                        + TIMEOUT_SECONDS + "s");
            }
            return new Result(process.exitValue(), output.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new AssertionError("running openssl " + String.join(" ", args), e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String drain(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
