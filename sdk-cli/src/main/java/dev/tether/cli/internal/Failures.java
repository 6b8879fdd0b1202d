package dev.tether.cli.internal;

import dev.tether.cli.ExitCodes;
import dev.tether.tls.cert.CertificateMaterialException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns exceptions from commands into one-line messages and the exit codes of
 * {@link dev.tether.cli.ExitCodes}. Expected failures print no stack trace; unexpected ones do, because
 * they are bugs worth reporting.
 */
public final class Failures implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String command = commandLine.getCommandSpec().qualifiedName();
        int code = exitCode(e);
        if (e instanceof UsageException) {
            err.println(command + ": " + e.getMessage());
            err.println("Try '" + command + " --help' for more information.");
        } else if (e instanceof FileAlreadyExistsException) {
            err.println(command + ": refusing to overwrite " + ((FileAlreadyExistsException) e).getFile()
                    + " (use --force to replace)");
        } else if (e instanceof NoSuchFileException) {
            err.println(command + ": file not found: " + ((NoSuchFileException) e).getFile());
        } else if (e instanceof AccessDeniedException) {
            err.println(command + ": permission denied: " + ((AccessDeniedException) e).getFile());
        } else if (code == ExitCodes.FAILURE && !(e instanceof IOException)) {
            err.println(command + ": unexpected failure (please report it):");
            e.printStackTrace(err);
        } else {
            err.println(command + ": " + e.getMessage());
        }
        err.flush();
        return code;
    }

    /** The exit code for an exception thrown by a command. */
    public static int exitCode(Throwable e) {
        if (e instanceof UsageException || e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof FileAlreadyExistsException) {
            return ExitCodes.FILE_EXISTS;
        }
        if (e instanceof CertificateMaterialException) {
            return ((CertificateMaterialException) e).problem() == CertificateMaterialException.Problem.POLICY_VIOLATION
                    ? ExitCodes.REFUSED : ExitCodes.BAD_MATERIAL;
        }
        return ExitCodes.FAILURE;
    }
}
