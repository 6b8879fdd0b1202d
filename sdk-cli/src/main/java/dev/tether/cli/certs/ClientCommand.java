package dev.tether.cli.certs;

import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tether certs client}: a TLS client certificate for mutual TLS. */
@Command(name = "client",
        mixinStandardHelpOptions = true,
        description = {
            "Create a TLS client certificate and key for mutual TLS.",
            "",
            "Signed by the CA in the output directory unless --ca-cert/--ca-key say otherwise. Identify the "
                + "client by --cn and/or a URI such as a SPIFFE ID.",
            "",
            "Example: tether certs client --cn billing --uri spiffe://example.org/ns/prod/sa/billing",
            ""},
        usageHelpAutoWidth = true)
final class ClientCommand extends LeafCommand {
    @Option(names = "--also-server", description = "Allow TLS server authentication too (both EKUs).")
    boolean alsoServer;

    @Override
    KeyPurpose purpose() {
        return KeyPurpose.CLIENT_AUTH;
    }

    @Override
    boolean alsoOtherPurpose() {
        return alsoServer;
    }

    @Override
    String what() {
        return "Client";
    }

    @Override
    List<SubjectAlternativeName> subjectAlternativeNames() {
        return alsoServer ? names.sansOrCommonName() : names.sans();
    }
}
