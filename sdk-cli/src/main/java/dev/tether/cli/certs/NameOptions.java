package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** The names a certificate or request is for: a common name and subject alternative names. */
final class NameOptions {
    @Option(names = "--cn", paramLabel = "NAME", description = "Subject common name.")
    String commonName;

    @Option(names = "--dns", paramLabel = "NAME", converter = Converters.Dns.class,
            description = "DNS name (repeatable; wildcards like *.example.com allowed).")
    List<SubjectAlternativeName> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDRESS", converter = Converters.Ip.class,
            description = "IPv4 or IPv6 address (repeatable).")
    List<SubjectAlternativeName> ip = new ArrayList<>();

    @Option(names = "--uri", paramLabel = "URI", converter = Converters.Uri.class,
            description = "URI such as a SPIFFE ID spiffe://domain/workload (repeatable).")
    List<SubjectAlternativeName> uri = new ArrayList<>();

    @Option(names = "--san", paramLabel = "NAME", converter = Converters.AnySan.class,
            description = "Subject alternative name of any kind, recognised from its form (repeatable).")
    List<SubjectAlternativeName> san = new ArrayList<>();

    /** All SANs in the order given, without duplicates. */
    List<SubjectAlternativeName> sans() {
        Set<SubjectAlternativeName> all = new LinkedHashSet<>();
        all.addAll(dns);
        all.addAll(ip);
        all.addAll(uri);
        all.addAll(san);
        return List.copyOf(all);
    }

    /** SANs, or the common name as the only SAN when none were given (servers are matched on SANs only). */
    List<SubjectAlternativeName> sansOrCommonName() {
        List<SubjectAlternativeName> sans = sans();
        if (!sans.isEmpty() || commonName == null) {
            return sans;
        }
        try {
            return List.of(SubjectAlternativeName.parse(commonName));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cn '" + commonName + "' is not a host name or address; add --dns or --ip");
        }
    }

    void requireSome() {
        if (commonName == null && sans().isEmpty()) {
            throw new UsageException("give a name: --cn, --dns, --ip, --uri or --san");
        }
    }

    /** A file base name from the common name or first SAN: {@code api.example.com}, {@code wildcard.example.com}. */
    String baseName() {
        String source = commonName != null ? commonName : sans().get(0).value();
        String name = source.replace("*", "wildcard").replaceAll("^[a-zA-Z][a-zA-Z0-9+.-]*://", "")
                .replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[-.]+|[-.]+$", "").toLowerCase(Locale.ROOT);
        return name.isEmpty() ? "cert" : name;
    }
}
