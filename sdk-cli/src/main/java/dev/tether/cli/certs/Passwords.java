package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a password comes from. Never from the command line itself, where other users can read it in the
 * process list: a file (first line) or an environment variable.
 */
final class Passwords {
    private Passwords() {
    }

    /** The password from the file or variable, or {@code null} when neither is given. */
    static char[] read(Path file, String environmentVariable, String what) throws IOException {
        if (file != null && environmentVariable != null) {
            throw new UsageException("give the " + what + " password either in a file or in a variable, not both");
        }
        String value = null;
        if (file != null) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int end = content.indexOf('\n');
            value = end < 0 ? content : content.substring(0, end);
            if (value.endsWith("\r")) {
                value = value.substring(0, value.length() - 1);
            }
            if (value.isEmpty()) {
                throw new UsageException("the " + what + " password file " + file + " is empty");
            }
        } else if (environmentVariable != null) {
            value = System.getenv(environmentVariable);
            if (value == null || value.isEmpty()) {
                throw new UsageException("environment variable " + environmentVariable + " (" + what
                        + " password) is not set");
            }
        }
        return value == null ? null : value.toCharArray();
    }
}
