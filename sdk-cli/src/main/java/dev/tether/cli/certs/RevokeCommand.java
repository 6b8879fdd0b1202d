package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;
import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.Pem;
import dev.tether.tls.cert.RevocationList;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether certs revoke}: record certificates as revoked by their CA (then publish with {@code certs crl}). */
@Command(name = "revoke",
        mixinStandardHelpOptions = true,
        description = {
            "Record certificates as revoked in the CA's revocation list (<ca-dir>/revoked.txt: serial and time).",
            "",
            "Only certificates this CA signed are accepted. Publish the list as a signed CRL with 'tether certs crl'.",
            "",
            "Example: tether certs revoke certs/dev/server.crt && tether certs crl",
            ""},
        usageHelpAutoWidth = true)
final class RevokeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "CERT", description = "Certificate files (PEM/DER; the first certificate of each).")
    List<Path> files;

    @Mixin
    CaOptions ca;

    @Option(names = "--ca-dir", paramLabel = "DIR", defaultValue = "certs/dev",
            description = "Directory of the CA files ca.crt, ca.key and revoked.txt (default: ${DEFAULT-VALUE}).")
    Path caDirectory;

    @Override
    public Integer call() throws Exception {
        CertificateAuthority authority = ca.load(caDirectory);
        Path listFile = caDirectory.resolve("revoked.txt");
        RevocationList list = RevocationList.read(listFile);
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        for (Path file : files) {
            X509Certificate cert = Pem.readCertificate(file);
            if (!signedBy(cert, authority.certificate())) {
                throw new UsageException(file + " was not issued by the CA "
                        + authority.certificate().getSubjectX500Principal().getName() + "; revoke it with its own CA");
            }
            boolean already = list.contains(cert.getSerialNumber());
            list = list.revoke(cert, now);
            out.println((already ? "already revoked: " : "revoked: ") + file + " (serial "
                    + cert.getSerialNumber().toString(16) + ", " + cert.getSubjectX500Principal().getName() + ")");
        }
        list.write(listFile);
        out.println("revocation list: " + listFile + " (" + list.entries().size() + " certificate(s)); publish it with"
                + " 'tether certs crl --ca-dir " + caDirectory + "'");
        out.flush();
        return 0;
    }

    private static boolean signedBy(X509Certificate cert, X509Certificate ca) {
        if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
