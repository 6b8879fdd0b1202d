package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.Pem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether certs pin}: the SPKI SHA-256 pin for TLS certificate pinning. */
@Command(name = "pin",
        mixinStandardHelpOptions = true,
        description = {
            "Print SPKI SHA-256 pins (sha256/<base64>) for certificate pinning.",
            "",
            "Pins the first certificate of each file (the leaf of a chain), or a certificate signing "
                + "request's key. Configure several pins to allow key rotation.",
            "",
            "Example: tether certs pin certs/dev/server.crt",
            ""},
        usageHelpAutoWidth = true)
final class PinCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Certificate (PEM/DER) or CSR files.")
    List<Path> files;

    @Option(names = "--all", description = "Pin every certificate of a chain, each followed by its subject.")
    boolean all;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path file : files) {
            if (InspectCommand.isRequest(file)) {
                out.println(CertificateInfo.spkiPin(CertificateRequest.read(file).publicKey())
                        + (all || files.size() > 1 ? "  " + file : ""));
                continue;
            }
            List<X509Certificate> certificates = Pem.readCertificates(file);
            for (X509Certificate certificate : all ? certificates : certificates.subList(0, 1)) {
                String suffix = all ? "  " + Report.label(CertificateInfo.of(certificate))
                        : files.size() > 1 ? "  " + file : "";
                out.println(CertificateInfo.spkiPin(certificate) + suffix);
            }
        }
        out.flush();
        return 0;
    }
}
