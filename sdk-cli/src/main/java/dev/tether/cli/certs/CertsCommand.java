package dev.tether.cli.certs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tether certs}: make, sign and inspect certificates for development and tests. */
@Command(name = "certs",
        mixinStandardHelpOptions = true,
        description = {
            "Make, sign and inspect TLS certificates.",
            "",
            "Start with 'tether certs init' for a complete development PKI in certs/dev: a CA, a server "
                + "certificate for localhost, 127.0.0.1 and ::1, and a client certificate. Private keys are "
                + "written with mode 0600; existing files are never overwritten without --force.",
            ""},
        subcommands = {InitCommand.class, CaCommand.class, ServerCommand.class, ClientCommand.class,
            CsrCommand.class, SignCommand.class, InspectCommand.class, PinCommand.class, RevokeCommand.class,
            CrlCommand.class},
        usageHelpAutoWidth = true)
public final class CertsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing subcommand: init, ca, server, client, csr, sign, inspect or pin");
    }
}
