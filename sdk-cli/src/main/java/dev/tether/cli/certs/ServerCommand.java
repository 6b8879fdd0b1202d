package dev.tether.cli.certs;

import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tether certs server}: a TLS server certificate signed by a CA. */
@Command(name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Create a TLS server certificate and key signed by a CA.",
            "",
            "The CA is the one in the output directory unless --ca-cert/--ca-key say otherwise. Clients match "
                + "host names against the DNS and IP names only: with only --cn, the common name is used as the "
                + "DNS or IP name too; without --cn, the first name becomes the common name.",
            "",
            "Example: tether certs server --dns api.local --dns '*.api.local' --ip 10.0.0.5",
            ""},
        usageHelpAutoWidth = true)
final class ServerCommand extends LeafCommand {
    @Option(names = "--also-client", description = "Allow TLS client authentication too (both EKUs).")
    boolean alsoClient;

    @Override
    KeyPurpose purpose() {
        return KeyPurpose.SERVER_AUTH;
    }

    @Override
    boolean alsoOtherPurpose() {
        return alsoClient;
    }

    @Override
    String what() {
        return "Server";
    }

    @Override
    List<SubjectAlternativeName> subjectAlternativeNames() {
        return names.sansOrCommonName();
    }

    @Override
    String commonName() {
        return names.commonName != null ? names.commonName : names.sans().get(0).value();
    }
}
