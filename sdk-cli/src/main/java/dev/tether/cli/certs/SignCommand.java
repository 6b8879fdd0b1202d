package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.Pem;
import dev.tether.tls.cert.SanType;
import dev.tether.tls.cert.SigningPolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether certs sign}: issue a certificate for a CSR under a signing policy. */
@Command(name = "sign",
        mixinStandardHelpOptions = true,
        description = {
            "Sign a certificate signing request with a CA, under a policy.",
            "",
            "The request (PEM or DER, from tether or e.g. 'openssl req') is checked against the policy set by "
                + "the options below; a request asking for CA rights is always refused. Writes the certificate "
                + "followed by the CA's intermediates.",
            "",
            "Example: tether certs sign req.csr --usage server --allow-names dns,ip --days 90",
            ""},
        usageHelpAutoWidth = true)
final class SignCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REQUEST", description = "The certificate signing request file.")
    Path requestFile;

    @Mixin
    CaOptions ca;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "Certificate file to write (default: the request file name with .crt).")
    Path certificateFile;

    @Option(names = "--ca-dir", paramLabel = "DIR", defaultValue = "certs/dev",
            description = "Directory of the default CA files ca.crt and ca.key (default: ${DEFAULT-VALUE}).")
    Path caDirectory;

    @Option(names = {"-f", "--force"}, description = "Replace an existing certificate file.")
    boolean force;

    @Option(names = "--days", paramLabel = "DAYS",
            description = "Validity in days (default: --max-days, shortened to the CA's own expiry).")
    Integer days;

    @Option(names = "--max-days", paramLabel = "DAYS", defaultValue = "397",
            description = "Longest validity the policy allows (default: ${DEFAULT-VALUE}).")
    int maxDays;

    @Option(names = "--allow-names", paramLabel = "KIND", split = ",", converter = Converters.SanTypes.class,
            description = "Name kinds the request may contain: dns, ip, uri, email (default: dns,ip,uri).")
    List<SanType> allowedNames = List.of(SanType.DNS, SanType.IP, SanType.URI);

    @Option(names = "--usage", paramLabel = "PURPOSE", split = ",", converter = Converters.Purposes.class,
            description = "Purposes allowed: server, client (default: both). A request asking for none gets these.")
    List<KeyPurpose> usages = List.of(KeyPurpose.SERVER_AUTH, KeyPurpose.CLIENT_AUTH);

    @Override
    public Integer call() throws Exception {
        Validation.positiveDays("--max-days", maxDays);
        if (days != null) {
            Validation.positiveDays("--days", days);
        }
        SigningPolicy policy = SigningPolicy.builder()
                .allowedNames(EnumSet.copyOf(allowedNames))
                .allowedPurposes(EnumSet.copyOf(usages))
                .maxValidity(Duration.ofDays(maxDays))
                .build();
        CertificateRequest request = CertificateRequest.read(requestFile);
        CertificateAuthority authority = ca.load(caDirectory);
        List<X509Certificate> chain = days == null ? authority.sign(request, policy)
                : authority.sign(request, policy, Duration.ofDays(days));
        Path target = certificateFile != null ? certificateFile : defaultTarget(requestFile);
        Pem.writeCertificates(target, chain, force ? dev.tether.tls.cert.ExistingFile.REPLACE
                : dev.tether.tls.cert.ExistingFile.FAIL);

        CertificateInfo info = CertificateInfo.of(chain.get(0));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Signed " + requestFile + " with " + authority.certificate().getSubjectX500Principal().getName()
                + ":");
        Report.wrote(out, target, "certificate for " + Report.names(info) + " (" + Report.until(info) + ", "
                + info.keyPurposes() + ")");
        out.flush();
        return 0;
    }

    private static Path defaultTarget(Path request) {
        String file = request.getFileName().toString();
        String base = file.endsWith(".csr") || file.endsWith(".req") ? file.substring(0, file.length() - 4) : file;
        return request.resolveSibling(base + ".crt");
    }
}
