package dev.tether.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The live progress line of a run, rewritten in place with a carriage return. Only for terminals: piped or
 * redirected output gets no progress noise.
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

    /** A progress line shown only when the JVM has a console (stdin and stdout are a terminal). */
    public static ProgressLine forTerminal(PrintWriter err) {
        return new ProgressLine(err, System.console() != null);
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
