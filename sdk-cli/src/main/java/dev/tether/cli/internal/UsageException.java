package dev.tether.cli.internal;

/**
 * A command line that parses but makes no sense (for example, no name at all for a certificate). Reported
 * like a picocli usage error, with exit code 2.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
