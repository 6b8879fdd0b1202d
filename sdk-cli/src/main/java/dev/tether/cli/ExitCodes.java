package dev.tether.cli;

/**
 * Exit codes shared by every {@code tether} command and those of {@code tether certs}, stable so scripts can
 * react to them. 0, 1 and 2 mean the same everywhere; from 3 up each command family documents its own codes
 * ({@code tether probe} uses 3-11 for classes of connection and handshake failure, see {@link dev.tether.cli.probe.ProbeOutcome}
 * and the README), so a script reads a code together with the command that returned it.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** An unexpected failure: an I/O error, a missing input file, or a bug (the stack trace is printed). */
    public static final int FAILURE = 1;
    /** The command line is wrong: unknown option, missing or invalid argument. Nothing was done. */
    public static final int USAGE = 2;
    /** An output file already exists; nothing was overwritten. Re-run with {@code --force} to replace it. */
    public static final int FILE_EXISTS = 3;
    /**
     * Certificate or key material cannot be used: corrupt PEM, wrong or missing password, key not matching
     * its certificate, certificate expired or not yet valid, not a CA.
     */
    public static final int BAD_MATERIAL = 4;
    /** A certificate signing request was refused by the signing policy (CA rights, forbidden name, validity). */
    public static final int REFUSED = 5;

    private ExitCodes() {
    }
}
