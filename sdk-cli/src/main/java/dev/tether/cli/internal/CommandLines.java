package dev.tether.cli.internal;

import picocli.CommandLine;

/**
 * Picocli command lines set up the way {@code tether} runs every command: case-insensitive enum values, failures
 * turned into one-line messages and exit codes by {@link Failures}. Shared by {@code TetherCli} and by commands
 * that run another command in-process ({@code tether demo} runs {@code tether certs init}).
 */
public final class CommandLines {
    private CommandLines() {
    }

    /** A command line for {@code command} (a picocli {@code @Command} object) with tether's settings. */
    public static CommandLine configured(Object command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(new Failures());
        commandLine.setExitCodeExceptionMapper(Failures::exitCode);
        return commandLine;
    }
}
