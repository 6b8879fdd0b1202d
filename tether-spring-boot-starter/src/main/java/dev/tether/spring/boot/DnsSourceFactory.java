package dev.tether.spring.boot;

import static dev.tether.spring.boot.PropertyChecks.check;
import static dev.tether.spring.boot.PropertyChecks.setChecked;

import dev.tether.pool.AddressFamily;
import dev.tether.pool.DnsEndpointSource;
import dev.tether.pool.DnsMode;
import dev.tether.pool.EndpointSource;
import dev.tether.pool.SrvEndpointSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds the {@link DnsEndpointSource} or {@link SrvEndpointSource} that a client's {@code dns.*} properties
 * describe, or none when it has fixed endpoints. Every contradiction (fixed endpoints and DNS, a name and an SRV
 * name, a name without a port, DNS settings without a name) and every value Tether rejects fails as a
 * {@link TetherClientConfigurationException} naming the property and the fix. Unset values keep Tether's defaults.
 */
final class DnsSourceFactory {

    /** The values {@code dns.mode} accepts. */
    static final List<String> MODES = List.of("direct", "system-resolver");
    /** The values {@code dns.family} accepts. */
    static final List<String> FAMILIES = List.of("both", "ipv4", "ipv6");

    private static final int DNS_PORT = 53;
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern NAME_WITH_PORT = Pattern.compile("[^:\\[\\]]+:\\d+");

    private DnsSourceFactory() {
    }

    /**
     * The endpoint source of client {@code prefix} ({@code tether.clients.<name>}), or empty when it takes fixed
     * endpoints (whose absence the caller reports).
     */
    static Optional<EndpointSource> from(String prefix, TetherProperties.Client client) {
        TetherProperties.Dns dns = client.getDns();
        String p = prefix + ".dns";
        boolean byName = dns.getName() != null;
        boolean bySrv = dns.getSrv() != null;
        boolean fixed = client.getEndpoints() != null && !client.getEndpoints().isEmpty();
        if (!byName && !bySrv) {
            String stray = firstSetting(dns);
            if (stray != null) {
                throw new TetherClientConfigurationException(p + "." + stray, "is set, but neither " + p
                        + ".name nor " + p + ".srv is", fixed
                        ? "Fixed endpoints are not looked up in DNS: remove " + p + "." + stray
                        + ", or replace " + prefix + ".endpoints with " + p + ".name and " + p + ".port (or " + p + ".srv)"
                        : "Set " + p + ".name and " + p + ".port (A/AAAA records) or " + p + ".srv (SRV records)",
                        null);
            }
            return Optional.empty();
        }
        String chosen = p + (byName ? ".name" : ".srv");
        if (fixed) {
            throw new TetherClientConfigurationException(chosen, "is set together with " + prefix + ".endpoints",
                    "Use one: remove " + prefix + ".endpoints to take the endpoints from DNS, or remove " + chosen
                    + " to keep the fixed ones", null);
        }
        if (byName && bySrv) {
            throw new TetherClientConfigurationException(p + ".srv", "is set together with " + p + ".name",
                    "Use one: " + p + ".name with " + p + ".port for A/AAAA records, or " + p + ".srv for SRV records",
                    null);
        }
        Settings settings = settings(p, dns);
        return Optional.of(byName ? byName(p, dns, settings) : bySrv(p, dns, settings));
    }

    private static EndpointSource byName(String p, TetherProperties.Dns dns, Settings s) {
        String name = dns.getName().trim();
        checkIsAName(p + ".name", name, p);
        if (dns.getPort() == null) {
            throw new TetherClientConfigurationException(p + ".port", "is required with " + p + ".name",
                    "Set it to the port every address of " + name + " serves on", null);
        }
        if (s.mode == DnsMode.SYSTEM_RESOLVER && !s.nameServers.isEmpty()) {
            throw new TetherClientConfigurationException(p + ".name-servers", "are given, but mode system-resolver"
                    + " asks the system's own name servers", "Remove " + p + ".name-servers, or set " + p
                    + ".mode=direct to ask them", null);
        }
        DnsEndpointSource.Builder b = check(p + ".port", () -> DnsEndpointSource.builder(name, dns.getPort()), null);
        s.applyTo(p, b::refreshInterval, b::mode, b::nameServers, b::queryTimeout, b::retries, b::family);
        return check(p + ".name", b::build, "Write a fully qualified DNS name, for example redis.prod.svc.cluster.local");
    }

    private static EndpointSource bySrv(String p, TetherProperties.Dns dns, Settings s) {
        String name = dns.getSrv().trim();
        if (dns.getPort() != null) {
            throw new TetherClientConfigurationException(p + ".port", "is set with " + p + ".srv",
                    "SRV records carry each target's port: remove " + p + ".port", null);
        }
        checkIsAName(p + ".srv", name, p);
        SrvEndpointSource.Builder b = SrvEndpointSource.builder(name);
        s.applyTo(p, b::refreshInterval, b::mode, b::nameServers, b::queryTimeout, b::retries, b::family);
        return check(p + ".srv", b::build, "Write the SRV name, for example _redis._tcp.prod.svc.cluster.local");
    }

    /** The settings both kinds of source take, parsed; null where unset, so Tether's defaults apply. */
    private record Settings(Duration refreshInterval, DnsMode mode, List<InetSocketAddress> nameServers,
                            Duration queryTimeout, Integer retries, AddressFamily family) {

        /**
         * Sets what is set on either source's builder (the two builders have the same setters but no common
         * type); a value the builder rejects names its property under {@code p}.
         */
        void applyTo(String p, Consumer<Duration> refreshIntervalSetter, Consumer<DnsMode> modeSetter,
                     Consumer<List<InetSocketAddress>> nameServersSetter, Consumer<Duration> queryTimeoutSetter,
                     Consumer<Integer> retriesSetter, Consumer<AddressFamily> familySetter) {
            setChecked(p + ".refresh-interval", refreshInterval, refreshIntervalSetter);
            setChecked(p + ".mode", mode, modeSetter);
            setChecked(p + ".name-servers", nameServers.isEmpty() ? null : nameServers, nameServersSetter);
            setChecked(p + ".query-timeout", queryTimeout, queryTimeoutSetter);
            setChecked(p + ".retries", retries, retriesSetter);
            setChecked(p + ".family", family, familySetter);
        }
    }

    private static Settings settings(String p, TetherProperties.Dns dns) {
        return new Settings(dns.getRefreshInterval(), mode(p + ".mode", dns.getMode()),
                nameServers(p + ".name-servers", dns.getNameServers()), dns.getQueryTimeout(), dns.getRetries(),
                family(p + ".family", dns.getFamily()));
    }

    /** The first {@code dns.*} setting given (by its property name under {@code dns.}), or null. */
    private static String firstSetting(TetherProperties.Dns dns) {
        Map<String, Boolean> set = new LinkedHashMap<>();
        set.put("port", dns.getPort() != null);
        set.put("refresh-interval", dns.getRefreshInterval() != null);
        set.put("mode", dns.getMode() != null);
        set.put("name-servers", dns.getNameServers() != null && !dns.getNameServers().isEmpty());
        set.put("query-timeout", dns.getQueryTimeout() != null);
        set.put("retries", dns.getRetries() != null);
        set.put("family", dns.getFamily() != null);
        return set.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** Catches the usual slips (an address, a name with its port) with a fix; Tether checks the rest. */
    private static void checkIsAName(String property, String name, String p) {
        if (name.isEmpty()) {
            throw new TetherClientConfigurationException(property, "is empty", "Give the DNS name, or remove "
                    + property, null);
        }
        if (IPV4.matcher(name).matches() || name.startsWith("[") || name.chars().filter(c -> c == ':').count() > 1) {
            throw new TetherClientConfigurationException(property, "'" + name + "' is an IP address, not a DNS name",
                    "Give the DNS name to look up, or list fixed addresses under the client's endpoints instead", null);
        }
        if (NAME_WITH_PORT.matcher(name).matches()) {
            throw new TetherClientConfigurationException(property, "'" + name + "' includes a port",
                    property.endsWith(".srv") ? "Give the SRV name alone: SRV records carry the ports"
                            : "Give the name alone and the port under " + p + ".port", null);
        }
    }

    private static DnsMode mode(String property, String text) {
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "direct" -> DnsMode.DIRECT;
            case "system-resolver" -> DnsMode.SYSTEM_RESOLVER;
            default -> throw new TetherClientConfigurationException(property, "unknown DNS mode '" + text + "'",
                    "Use one of " + MODES + " (direct, the default, asks the name servers with no cache in between)",
                    null);
        };
    }

    private static AddressFamily family(String property, String text) {
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "both" -> AddressFamily.BOTH;
            case "ipv4" -> AddressFamily.IPV4;
            case "ipv6" -> AddressFamily.IPV6;
            default -> throw new TetherClientConfigurationException(property, "unknown address family '" + text + "'",
                    "Use one of " + FAMILIES, null);
        };
    }

    private static List<InetSocketAddress> nameServers(String property, List<String> texts) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (texts == null) {
            return out;
        }
        for (int i = 0; i < texts.size(); i++) {
            out.add(nameServer(property + "[" + i + "]", texts.get(i) == null ? "" : texts.get(i).trim()));
        }
        return out;
    }

    /** {@code 10.0.0.10}, {@code 10.0.0.10:53}, {@code fd00::a} or {@code [fd00::a]:53}; port 53 when left out. */
    private static InetSocketAddress nameServer(String property, String text) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            String rest = end < 0 ? "" : text.substring(end + 1);
            if (end < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
                throw badNameServer(property, text, "not [v6] or [v6]:port");
            }
            host = text.substring(1, end);
            port = rest.isEmpty() ? null : rest.substring(1);
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        InetAddress address = literal(host);
        if (address == null) {
            throw badNameServer(property, text, "not an IP address (a name server is given by address: its own name"
                    + " would need DNS to be found)");
        }
        int number = DNS_PORT;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw badNameServer(property, text, "port '" + port + "' is not within 1..65535");
            }
        }
        return new InetSocketAddress(address, number);
    }

    /** The address written in {@code host}, or null when it is not an IPv4 or IPv6 literal. Never looks anything up. */
    private static InetAddress literal(String host) {
        java.util.regex.Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            for (int g = 1; g <= 4; g++) {
                if (Integer.parseInt(v4.group(g)) > 255) {
                    return null;
                }
            }
        } else if (host.indexOf(':') < 0) {
            return null;
        }
        try {
            // A literal (four dotted numbers, or containing ':') is parsed, never looked up.
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static TetherClientConfigurationException badNameServer(String property, String text, String problem) {
        return new TetherClientConfigurationException(property, "'" + text + "': " + problem,
                "Write each name server as an IP address with an optional port: 10.0.0.10, 10.0.0.10:53 or"
                + " [fd00::a]:53", null);
    }
}
