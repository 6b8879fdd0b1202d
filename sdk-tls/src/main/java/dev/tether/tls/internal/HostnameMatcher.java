package dev.tether.tls.internal;

import java.net.IDN;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * RFC 6125 server identity checks against subject alternative names: DNS names (a wildcard only as the whole
 * left-most label, never matching an IP or a bare public suffix such as {@code *.com}) and IP addresses.
 * The subject's common name is ignored, as browsers and Go do, because it cannot be constrained by CAs.
 */
public final class HostnameMatcher {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostnameMatcher() {
    }

    public static boolean matches(String expected, X509Certificate cert) {
        Optional<InetAddress> ip = IpLiterals.parse(expected);
        Collection<List<?>> sans = subjectAltNames(cert);
        if (ip.isPresent()) {
            for (List<?> san : sans) {
                if (((Integer) san.get(0)) == SAN_IP) {
                    Optional<InetAddress> candidate = IpLiterals.parse(String.valueOf(san.get(1)));
                    if (candidate.isPresent() && candidate.get().equals(ip.get())) {
                        return true;
                    }
                }
            }
            return false;
        }
        String host = normalize(expected);
        for (List<?> san : sans) {
            if (((Integer) san.get(0)) == SAN_DNS && dnsMatches(host, normalize(String.valueOf(san.get(1))))) {
                return true;
            }
        }
        return false;
    }

    /** The certificate's names for messages: {@code DNS:name}, {@code IP:address}. */
    public static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        for (List<?> san : subjectAltNames(cert)) {
            int type = (Integer) san.get(0);
            if (type == SAN_DNS) {
                names.add("DNS:" + san.get(1));
            } else if (type == SAN_IP) {
                names.add("IP:" + san.get(1));
            }
        }
        return names;
    }

    private static Collection<List<?>> subjectAltNames(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            return sans == null ? List.of() : sans;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        try {
            return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return n;
        }
    }

    private static boolean dnsMatches(String host, String pattern) {
        if (host.isEmpty() || pattern.isEmpty()) {
            return false;
        }
        if (!pattern.startsWith("*.")) {
            return pattern.indexOf('*') < 0 && host.equals(pattern);
        }
        String suffix = pattern.substring(1); // ".example.com"
        // At least two labels after the wildcard, and no other wildcard in the pattern.
        if (suffix.indexOf('*') >= 0 || suffix.indexOf('.', 1) < 0) {
            return false;
        }
        if (!host.endsWith(suffix)) {
            return false;
        }
        String firstLabel = host.substring(0, host.length() - suffix.length());
        return !firstLabel.isEmpty() && firstLabel.indexOf('.') < 0;
    }
}
