package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;
import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.CertificateMaterialException;
import dev.tether.tls.cert.HeldCertificate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tether certs ca}: a root CA, or an intermediate CA signed by another CA. */
@Command(name = "ca",
        mixinStandardHelpOptions = true,
        description = {
            "Create a root CA, or an intermediate CA signed by another CA.",
            "",
            "Without --issuer-cert/--issuer-key the CA is a self-signed root. Writes <out>/<name>.crt and "
                + "<out>/<name>.key.",
            ""},
        usageHelpAutoWidth = true)
final class CaCommand implements Callable<Integer> {
    private static final int DEFAULT_ROOT_DAYS = 3650;
    private static final int DEFAULT_INTERMEDIATE_DAYS = 1825;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Mixin
    KeyOptions keys;

    @Option(names = "--cn", paramLabel = "NAME", defaultValue = "Tether Development CA",
            description = "Common name (default: ${DEFAULT-VALUE}).")
    String commonName;

    @Option(names = "--org", paramLabel = "NAME", description = "Organization (O).")
    String organization;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "ca",
            description = "File base name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--path-length", paramLabel = "N",
            description = "How many intermediate CAs may follow below this one (default: 0 for an intermediate, "
                    + "1 for a root).")
    Integer pathLength;

    @Option(names = "--days", paramLabel = "DAYS",
            description = "Validity in days (default: 3650 for a root; for an intermediate 1825, or until the "
                    + "issuer expires if sooner).")
    Integer days;

    @Option(names = "--issuer-cert", paramLabel = "FILE",
            description = "Make an intermediate CA signed by this CA certificate.")
    Path issuerCertificate;

    @Option(names = "--issuer-key", paramLabel = "FILE", description = "The issuing CA's private key.")
    Path issuerKey;

    @Option(names = "--issuer-password-file", paramLabel = "FILE",
            description = "The issuing CA key's password is the first line of FILE.")
    Path issuerPasswordFile;

    @Option(names = "--issuer-password-env", paramLabel = "VAR",
            description = "The issuing CA key's password is in environment variable VAR.")
    String issuerPasswordEnv;

    @Override
    public Integer call() throws Exception {
        if (days != null) {
            Validation.positiveDays("--days", days);
        }
        if ((issuerCertificate == null) != (issuerKey == null)) {
            throw new UsageException("--issuer-cert and --issuer-key go together");
        }
        if (pathLength != null && pathLength < 0) {
            throw new UsageException("--path-length must not be negative: " + pathLength);
        }
        Names.checkBaseName(name);
        char[] keyPassword = keys.password();
        HeldCertificate.Builder builder = HeldCertificate.builder().commonName(commonName).keyType(keys.keyType);
        if (organization != null) {
            builder.organization(organization);
        }
        if (issuerCertificate != null) {
            CertificateAuthority issuer = CertificateAuthority.load(issuerCertificate, issuerKey,
                    Passwords.read(issuerPasswordFile, issuerPasswordEnv, "issuer key"));
            Instant now = Instant.now();
            Instant issuerEnd = issuer.certificate().getNotAfter().toInstant();
            if (days == null) {
                Instant wanted = now.plus(Duration.ofDays(DEFAULT_INTERMEDIATE_DAYS));
                builder.validity(now.minus(HeldCertificate.BACKDATE), wanted.isAfter(issuerEnd) ? issuerEnd : wanted);
            } else if (now.plus(Duration.ofDays(days)).isAfter(issuerEnd)) {
                throw new CertificateMaterialException(CertificateMaterialException.Problem.POLICY_VIOLATION,
                        issuerCertificate.toString(), "the issuing CA expires on " + issuerEnd + ", before the "
                                + "requested " + days + " days are over; ask for at most "
                                + Duration.between(now, issuerEnd).toDays() + " --days");
            } else {
                builder.validFor(Duration.ofDays(days));
            }
            builder.certificateAuthority(pathLength == null ? 0 : pathLength).signedBy(issuer.held());
        } else {
            builder.validFor(Duration.ofDays(days == null ? DEFAULT_ROOT_DAYS : days));
            builder.certificateAuthority(pathLength == null ? 1 : pathLength);
        }
        HeldCertificate ca;
        try {
            ca = builder.build();
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Path certificateFile = output.directory.resolve(name + ".crt");
        Path keyFile = output.directory.resolve(name + ".key");
        ca.write(certificateFile, keyFile, keyPassword, output.existing());

        PrintWriter out = spec.commandLine().getOut();
        out.println((issuerCertificate == null ? "Root" : "Intermediate") + " CA " + ca.info().subject() + ":");
        Report.wrote(out, certificateFile, "CA certificate (" + Report.until(ca.info()) + ")");
        Report.wrote(out, keyFile, "CA private key (mode 0600" + (keyPassword != null ? ", encrypted" : "") + ")");
        out.flush();
        return 0;
    }
}
