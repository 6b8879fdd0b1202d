package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.KeyType;
import dev.tether.tls.cert.Pem;
import dev.tether.tls.cert.Pkcs12;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tether certs inspect}: what is in certificate, chain, request and PKCS#12 files. */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Show what is in certificate, request and PKCS#12 files.",
            "",
            "For every certificate (PEM or DER, whole chains too): subject, issuer, names, validity, key, CA "
                + "status, SHA-256 fingerprint and SPKI pin. Also reads certificate signing requests and PKCS#12 "
                + "stores (.p12, .pfx).",
            ""},
        usageHelpAutoWidth = true)
final class InspectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to inspect.")
    List<Path> files;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Password of PKCS#12 files, on the first line of FILE.")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR",
            description = "Password of PKCS#12 files, in environment variable VAR.")
    String passwordEnv;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Instant now = Instant.now();
        boolean first = true;
        for (Path file : files) {
            if (!first) {
                out.println();
            }
            first = false;
            if (isPkcs12(file)) {
                char[] password = Passwords.read(passwordFile, passwordEnv, "PKCS#12");
                if (password == null) {
                    throw new dev.tether.cli.internal.UsageException(file
                            + " is a PKCS#12 store: give its password with --password-file or --password-env");
                }
                print(out, file, Pkcs12.readCertificates(file, password), now);
            } else if (isRequest(file)) {
                CertificateRequest request = CertificateRequest.read(file);
                out.println(file + ": certificate signing request (signature verified)");
                out.printf("  %-11s %s%n", "Subject:", request.subject().isEmpty() ? "(empty)" : request.subject());
                String sans = request.subjectAlternativeNames().stream().map(SubjectAlternativeName::toString)
                        .collect(Collectors.joining(", "));
                out.printf("  %-11s %s%n", "SANs:", sans.isEmpty() ? "(none)" : sans);
                out.printf("  %-11s %s%n", "Purposes:", request.requestedPurposes().isEmpty() ? "(none requested)"
                        : request.requestedPurposes());
                out.printf("  %-11s %s%n", "CA rights:", request.requestsCertificateAuthority() ? "REQUESTED" : "no");
                out.printf("  %-11s %s%n", "Key:", KeyType.describe(request.publicKey()));
                out.printf("  %-11s %s%n", "SPKI pin:", CertificateInfo.spkiPin(request.publicKey()));
            } else {
                print(out, file, Pem.readCertificates(file), now);
            }
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, Path file, List<X509Certificate> certificates, Instant now) {
        for (int i = 0; i < certificates.size(); i++) {
            if (i > 0) {
                out.println();
            }
            out.println(file + ": certificate " + (i + 1) + " of " + certificates.size());
            CertificateInfo.of(certificates.get(i)).describe(now).lines().forEach(line -> out.println("  " + line));
        }
    }

    static boolean isPkcs12(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    static boolean isRequest(Path file) throws java.io.IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".csr")) {
            return true;
        }
        byte[] head = new byte[(int) Math.min(Files.size(file), 4096)];
        try (var in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            return new String(head, 0, n, StandardCharsets.US_ASCII).contains("BEGIN CERTIFICATE REQUEST")
                    || new String(head, 0, n, StandardCharsets.US_ASCII).contains("BEGIN NEW CERTIFICATE REQUEST");
        }
    }
}
