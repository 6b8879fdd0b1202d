package dev.tether.cli;

import dev.tether.cli.bench.BenchCommand;
import dev.tether.cli.certs.CertsCommand;
import dev.tether.cli.demo.DemoCommand;
import dev.tether.cli.internal.CommandLines;
import dev.tether.cli.probe.ProbeCommand;
import dev.tether.cli.serve.ServeCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tether} command line: development certificates today, and the test server, probe and benchmark
 * commands as they land. Each subcommand is its own class; this one only wires them together and maps
 * failures to the exit codes in {@link ExitCodes}.
 */
@Command(name = "tether",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "TLS-secured, pooled, long-lived connections: tools for development and diagnosis.",
        subcommands = {CertsCommand.class, ServeCommand.class, ProbeCommand.class, BenchCommand.class,
            DemoCommand.class, CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:unexpected failure (I/O error, missing file, bug)",
            "2:usage error (bad option or argument; nothing was done)",
            "3:an output file exists (nothing was overwritten; use --force)",
            "4:unusable certificate or key material (corrupt, wrong password, mismatch, expired, not a CA)",
            "5:signing request refused by the signing policy"})
public final class TetherCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line with the given output streams and returns the exit code without exiting; used
     * by {@link #main} and by tests.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = commandLine();
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    /** A configured command line: exit codes, error handling and case-insensitive enum values. */
    public static CommandLine commandLine() {
        return CommandLines.configured(new TetherCli());
    }

    @Override
    public void run() {
        // "tether" alone: show what there is instead of failing silently.
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: tether certs init)");
    }
}
