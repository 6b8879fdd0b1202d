package dev.tether.pool.internal;

import dev.tether.core.Endpoint;
import dev.tether.pool.AddressFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Host names as the DNS endpoint sources take them, and the endpoints made from their addresses. */
public final class DnsNames {

    /** IPv4 before IPv6, then by address bytes: the same answer gives the same order, however the server sorts it. */
    private static final Comparator<InetAddress> ADDRESS_ORDER = Comparator
            .<InetAddress>comparingInt(a -> a instanceof Inet4Address ? 0 : 1)
            .thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

    private DnsNames() {
    }

    /**
     * {@code name} without a trailing dot, in lower case, after checking it is a DNS name (labels of letters,
     * digits, {@code -} and {@code _}, each 1 to 63 characters).
     *
     * @throws IllegalArgumentException naming {@code what} and the bad input
     */
    public static String normalize(String name, String what) {
        if (name == null) {
            throw new NullPointerException(what);
        }
        String n = name.trim();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.isEmpty() || n.length() > 253) {
            throw new IllegalArgumentException(what + " must be a DNS name of 1 to 253 characters: '" + name + "'");
        }
        for (String label : n.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63
                    || !label.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) {
                throw new IllegalArgumentException(what + " is not a DNS name (label '" + label + "'): '" + name + "'");
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }

    /** {@code "A"}, {@code "AAAA"} or {@code "A/AAAA"}: the record types {@code family} asks for. */
    public static String addressQuery(AddressFamily family) {
        return switch (family) {
            case IPV4 -> "A";
            case IPV6 -> "AAAA";
            case BOTH -> "A/AAAA";
        };
    }

    /**
     * One endpoint per distinct address, on {@code port}, verified as {@code serverName}, in a stable order (IPv4
     * first, then by address).
     */
    public static List<Endpoint> endpoints(List<InetAddress> addresses, int port, String serverName) {
        List<InetAddress> sorted = new ArrayList<>(addresses);
        sorted.sort(ADDRESS_ORDER);
        Set<Endpoint> out = new LinkedHashSet<>();
        for (InetAddress a : sorted) {
            out.add(Endpoint.of(a.getHostAddress(), port).withServerName(serverName));
        }
        return List.copyOf(out);
    }
}
