package dev.tether.cli.probe;

import dev.tether.tls.cert.CertificateInfo;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Shows a certificate chain the way probe reports it: as text for people and as maps for JSON. */
final class ChainView {
    private ChainView() {
    }

    static void print(PrintWriter out, List<X509Certificate> chain, Instant now) {
        for (int i = 0; i < chain.size(); i++) {
            CertificateInfo info = CertificateInfo.of(chain.get(i));
            out.printf("  [%d] %s%n", i, label(info));
            row(out, "issuer", info.issuer());
            List<SubjectAlternativeName> sans = info.subjectAlternativeNames();
            if (!sans.isEmpty()) {
                row(out, "names", sans.stream().map(SubjectAlternativeName::toString).collect(Collectors.joining(", ")));
            }
            row(out, "valid", info.notBefore() + " to " + info.notAfter() + " (" + daysLeft(info, now) + ")");
            row(out, "key", info.keyDescription() + (info.isCertificateAuthority() ? ", CA" : "")
                    + (info.isSelfSigned() ? ", self-signed" : ""));
            row(out, "SPKI pin", info.spkiPin());
        }
    }

    static List<Map<String, Object>> json(List<X509Certificate> chain, Instant now) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            CertificateInfo info = CertificateInfo.of(certificate);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", info.subject());
            m.put("issuer", info.issuer());
            m.put("subjectAlternativeNames", info.subjectAlternativeNames().stream()
                    .map(SubjectAlternativeName::toString).collect(Collectors.toList()));
            m.put("notBefore", info.notBefore().toString());
            m.put("notAfter", info.notAfter().toString());
            m.put("daysLeft", daysLeft(certificate, now));
            m.put("key", info.keyDescription());
            m.put("certificateAuthority", info.isCertificateAuthority());
            m.put("selfSigned", info.isSelfSigned());
            m.put("spkiPin", info.spkiPin());
            m.put("sha256Fingerprint", info.sha256Fingerprint());
            list.add(m);
        }
        return list;
    }

    private static String label(CertificateInfo info) {
        if (!info.subject().isEmpty()) {
            return info.subject();
        }
        return info.subjectAlternativeNames().stream().map(SubjectAlternativeName::value)
                .collect(Collectors.joining(", "));
    }

    /** Whole days until notAfter, counted towards zero: 0 within the last day, -1 a day after expiry. */
    static long daysLeft(X509Certificate certificate, Instant now) {
        return Duration.between(now, certificate.getNotAfter().toInstant()).toDays();
    }

    private static String daysLeft(CertificateInfo info, Instant now) {
        if (now.isBefore(info.notBefore())) {
            return "NOT YET VALID";
        }
        long days = daysLeft(info.certificate(), now);
        if (now.isAfter(info.notAfter())) {
            return days == 0 ? "EXPIRED less than a day ago" : "EXPIRED " + (-days) + " day" + (days == -1 ? "" : "s") + " ago";
        }
        return days + " day" + (days == 1 ? "" : "s") + " left";
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("      %-10s %s%n", name, value);
    }
}
