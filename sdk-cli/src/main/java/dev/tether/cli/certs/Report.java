package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** The short lines commands print about what they wrote. */
final class Report {
    private Report() {
    }

    static void wrote(PrintWriter out, Path file, String what) {
        out.printf("  %-28s %s%n", file, what);
    }

    static String names(CertificateInfo info) {
        String sans = info.subjectAlternativeNames().stream().map(SubjectAlternativeName::value)
                .collect(Collectors.joining(", "));
        return sans.isEmpty() ? info.subject() : sans;
    }

    /** The subject, or the names when the subject is empty. */
    static String label(CertificateInfo info) {
        return info.subject().isEmpty() ? names(info) : info.subject();
    }

    static String until(CertificateInfo info) {
        return "valid until " + info.notAfter().toString().substring(0, 10);
    }
}
