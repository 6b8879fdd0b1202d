package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.Pkcs12;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tether certs init}: a complete development PKI in one directory. */
@Command(name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Create a whole development PKI: CA, server and client certificates.",
            "",
            "The server certificate is for localhost, 127.0.0.1 and ::1 (plus any --host); the client "
                + "certificate is for mutual TLS. Files in the output directory: ca.crt, ca.key, server.crt, "
                + "server.key, client.crt, client.key; with a PKCS#12 password also server.p12, client.p12 and "
                + "truststore.p12.",
            "",
            "Development only: anyone holding ca.key can impersonate any server to whoever trusts ca.crt.",
            ""},
        usageHelpAutoWidth = true)
final class InitCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    OutputOptions output;

    @Mixin
    KeyOptions keys;

    @Option(names = "--host", paramLabel = "NAME", converter = Converters.AnySan.class,
            description = "Extra server name or address besides localhost, 127.0.0.1 and ::1 (repeatable).")
    List<SubjectAlternativeName> extraHosts = new ArrayList<>();

    @Option(names = "--client-cn", paramLabel = "NAME", defaultValue = "tether-dev-client",
            description = "Common name of the client certificate (default: ${DEFAULT-VALUE}).")
    String clientCommonName;

    @Option(names = "--client-uri", paramLabel = "URI", converter = Converters.Uri.class,
            description = "URI SAN for the client certificate, e.g. spiffe://dev.local/client.")
    SubjectAlternativeName clientUri;

    @Option(names = "--ca-days", paramLabel = "DAYS", defaultValue = "3650",
            description = "CA validity in days (default: ${DEFAULT-VALUE}).")
    int caDays;

    @Option(names = "--days", paramLabel = "DAYS", defaultValue = "365",
            description = "Server and client certificate validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--p12-password-file", paramLabel = "FILE",
            description = "Also write PKCS#12 stores, protected by the password on the first line of FILE.")
    Path p12PasswordFile;

    @Option(names = "--p12-password-env", paramLabel = "VAR",
            description = "Also write PKCS#12 stores, protected by the password in environment variable VAR.")
    String p12PasswordEnv;

    @Override
    public Integer call() throws Exception {
        Validation.positiveDays("--ca-days", caDays);
        Validation.positiveDays("--days", days);
        if (days > caDays) {
            throw new dev.tether.cli.internal.UsageException("--days " + days + " must not exceed --ca-days " + caDays);
        }
        char[] keyPassword = keys.password();
        char[] p12Password = Passwords.read(p12PasswordFile, p12PasswordEnv, "PKCS#12");
        Path dir = output.directory;
        List<Path> files = new ArrayList<>(List.of(dir.resolve("ca.crt"), dir.resolve("ca.key"),
                dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("client.crt"), dir.resolve("client.key")));
        if (p12Password != null) {
            files.addAll(List.of(dir.resolve("server.p12"), dir.resolve("client.p12"), dir.resolve("truststore.p12")));
        }
        if (output.existing() == ExistingFile.FAIL) {
            refuseExisting(files);
        }

        HeldCertificate root = HeldCertificate.builder()
                .organization("Tether Development")
                .organizationalUnit(Validation.userName())
                .commonName("Tether Development CA")
                .certificateAuthority(0)
                .keyType(keys.keyType)
                .validFor(Duration.ofDays(caDays))
                .build();
        CertificateAuthority ca = CertificateAuthority.of(root);

        Set<SubjectAlternativeName> serverNames = new LinkedHashSet<>(List.of(SubjectAlternativeName.dns("localhost"),
                SubjectAlternativeName.ip("127.0.0.1"), SubjectAlternativeName.ip("::1")));
        serverNames.addAll(extraHosts);
        HeldCertificate server = Issuing.issue(ca, keys.keyType, "localhost", List.copyOf(serverNames),
                EnumSet.of(KeyPurpose.SERVER_AUTH), days);
        List<SubjectAlternativeName> clientNames = clientUri == null ? List.of() : List.of(clientUri);
        HeldCertificate client = Issuing.issue(ca, keys.keyType, clientCommonName, clientNames,
                EnumSet.of(KeyPurpose.CLIENT_AUTH), days);

        ExistingFile existing = output.existing();
        root.write(dir.resolve("ca.crt"), dir.resolve("ca.key"), keyPassword, existing);
        server.write(dir.resolve("server.crt"), dir.resolve("server.key"), keyPassword, existing);
        client.write(dir.resolve("client.crt"), dir.resolve("client.key"), keyPassword, existing);
        if (p12Password != null) {
            Pkcs12.write(dir.resolve("server.p12"), server, p12Password, existing);
            Pkcs12.write(dir.resolve("client.p12"), client, p12Password, existing);
            Pkcs12.writeTrustStore(dir.resolve("truststore.p12"), List.of(root.certificate()), p12Password, existing);
        }

        PrintWriter out = spec.commandLine().getOut();
        CertificateInfo caInfo = root.info();
        out.println("Development PKI written to " + dir + " (for development only; never trust it in production):");
        Report.wrote(out, dir.resolve("ca.crt"), "CA certificate, trust this one (" + Report.until(caInfo) + ")");
        Report.wrote(out, dir.resolve("ca.key"), "CA private key (mode 0600): keep it private");
        Report.wrote(out, dir.resolve("server.crt"), "server certificate for " + Report.names(server.info()));
        Report.wrote(out, dir.resolve("server.key"), "server private key (mode 0600)");
        Report.wrote(out, dir.resolve("client.crt"), "client certificate for " + Report.names(client.info()));
        Report.wrote(out, dir.resolve("client.key"), "client private key (mode 0600)");
        if (p12Password != null) {
            Report.wrote(out, dir.resolve("server.p12"), "server key store (PKCS#12)");
            Report.wrote(out, dir.resolve("client.p12"), "client key store (PKCS#12)");
            Report.wrote(out, dir.resolve("truststore.p12"), "trust store with the CA (PKCS#12)");
        }
        out.println("CA SHA-256 fingerprint: " + caInfo.sha256Fingerprint());
        out.println();
        out.println("Try it:");
        out.println("  openssl s_server -accept 8443 -www -cert " + dir.resolve("server.crt") + " -key "
                + dir.resolve("server.key") + " &");
        out.println("  curl --cacert " + dir.resolve("ca.crt") + " --cert " + dir.resolve("client.crt") + " --key "
                + dir.resolve("client.key") + " https://localhost:8443/");
        out.flush();
        return 0;
    }

    private static void refuseExisting(List<Path> files) throws FileAlreadyExistsException {
        List<Path> existing = files.stream().filter(f -> Files.exists(f, LinkOption.NOFOLLOW_LINKS))
                .collect(Collectors.toList());
        if (!existing.isEmpty()) {
            throw new FileAlreadyExistsException(existing.stream().map(Path::toString)
                    .collect(Collectors.joining(", ")));
        }
    }
}
