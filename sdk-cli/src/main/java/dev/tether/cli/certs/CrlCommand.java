package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.RevocationList;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tether certs crl}: sign a CRL from the CA's revocation list. */
@Command(name = "crl",
        mixinStandardHelpOptions = true,
        description = {
            "Sign a certificate revocation list (CRL) listing every certificate in <ca-dir>/revoked.txt.",
            "",
            "Serve the file at the URL your certificates name as CRL distribution point; clients with "
                + "revocation checking on (TlsConfig.Builder.revocation) fetch it. Make a new one before --days runs out.",
            "",
            "Example: tether certs crl --days 7 -o certs/dev/ca.crl",
            ""},
        usageHelpAutoWidth = true)
final class CrlCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CaOptions ca;

    @Option(names = "--ca-dir", paramLabel = "DIR", defaultValue = "certs/dev",
            description = "Directory of the CA files ca.crt, ca.key and revoked.txt (default: ${DEFAULT-VALUE}).")
    Path caDirectory;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "CRL file to write (default: <ca-dir>/ca.crl).")
    Path output;

    @Option(names = "--days", paramLabel = "DAYS", defaultValue = "7",
            description = "Days until the CRL's next update; clients reject it after that (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--der", description = "Write DER (binary) instead of PEM.")
    boolean der;

    @Override
    public Integer call() throws Exception {
        Validation.positiveDays("--days", days);
        CertificateAuthority authority = ca.load(caDirectory);
        RevocationList list = RevocationList.read(caDirectory.resolve("revoked.txt"));
        Instant now = Instant.now();
        // The CRL number must grow with each CRL; the issue time in seconds does without keeping state.
        X509CRL crl = list.issueCrl(authority, now, Duration.ofDays(days), BigInteger.valueOf(now.getEpochSecond()));
        Path target = output != null ? output : caDirectory.resolve("ca.crl");
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, der ? crl.getEncoded() : RevocationList.toPem(crl).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        PrintWriter out = spec.commandLine().getOut();
        Report.wrote(out, target, "CRL signed by " + authority.certificate().getSubjectX500Principal().getName()
                + " listing " + list.entries().size() + " revoked certificate(s), next update " + crl.getNextUpdate()
                .toInstant());
        out.flush();
        return 0;
    }
}
