package dev.tether.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The live progress line of a run on standard error, rewritten in place with a carriage return. Only when
 * standard error is a terminal: piped or redirected output gets no progress noise.
 */
public final class ProgressLine {
    private final PrintWriter err;
    private final boolean enabled;
    private int lastLength;

    /** A progress line on {@code err}, shown only when {@code enabled} (usually: a console is attached). */
    public ProgressLine(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** A progress line on {@code err}, shown only when standard error is a terminal. */
    public static ProgressLine forTerminal(PrintWriter err) {
        return new ProgressLine(err, standardErrorIsTerminal());
    }

    /**
     * Whether standard error is a terminal. {@code System.console()} only speaks for stdin and stdout, so with
     * {@code 2>bench.log} on a terminal the line would land in the file, carriage returns and all. On Linux the
     * descriptor's target tells; elsewhere the console check is the best Java 17 offers.
     */
    static boolean standardErrorIsTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not inspectable here: fall back to the console check.
        }
        return System.console() != null;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Replaces the line with a summary of {@code p}. */
    public void show(LoadGenerator.Progress p) {
        show(String.format(Locale.ROOT, "  %5.1fs  %s calls  %s/s  errors %s  p99 %s µs",
                p.elapsed().toNanos() / 1e9, BenchReport.count(p.successes() + p.errors()),
                BenchReport.count(Math.round(p.callsPerSecond())), BenchReport.count(p.errors()),
                BenchReport.micros(p.p99Micros())));
    }

    /** Replaces the line with {@code text}. */
    public void show(String text) {
        if (!enabled) {
            return;
        }
        String padded = text.length() < lastLength ? text + " ".repeat(lastLength - text.length()) : text;
        err.print("\r" + padded);
        err.flush();
        lastLength = text.length();
    }

    /** Removes the line, leaving the cursor at the start of an empty line. */
    public void clear() {
        if (!enabled || lastLength == 0) {
            return;
        }
        err.print("\r" + " ".repeat(lastLength) + "\r");
        err.flush();
        lastLength = 0;
    }
}
