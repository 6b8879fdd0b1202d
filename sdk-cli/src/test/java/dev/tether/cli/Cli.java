package dev.tether.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code tether} command line in-process with captured output. */
public final class Cli {
    /** Exit code and captured streams of one run. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Cli() {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TetherCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
