package dev.tether.tls.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Tells IP address literals from host names without any DNS lookup. */
public final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private IpLiterals() {
    }

    /** The address when {@code host} is an IPv4 or IPv6 literal; empty for a host name. */
    public static Optional<InetAddress> parse(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = IPV4.matcher(h).matches();
        if (!v4 && h.indexOf(':') < 0) {
            return Optional.empty();
        }
        if (v4) {
            for (String octet : h.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            // A literal (checked above) never triggers a lookup.
            return Optional.of(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public static boolean isIpLiteral(String host) {
        return parse(host).isPresent();
    }
}
