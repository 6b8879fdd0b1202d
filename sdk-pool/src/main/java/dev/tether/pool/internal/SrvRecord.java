package dev.tether.pool.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * One SRV record (RFC 2782): the target host and port serving a name, with its priority (lower is preferred) and
 * weight (a share within its priority).
 *
 * @param priority 0..65535, lower preferred
 * @param weight   0..65535
 * @param port     the target's port
 * @param target   the target host, without its trailing dot; {@code "."} ("not available here") never appears
 */
public record SrvRecord(int priority, int weight, int port, String target) {

    /** Heavier first, then by target and port: the order within a priority group. */
    private static final Comparator<SrvRecord> GROUP_ORDER = Comparator.comparingInt(SrvRecord::weight).reversed()
            .thenComparing(SrvRecord::target).thenComparingInt(SrvRecord::port);

    /**
     * Parses the provider's text form {@code "priority weight port target"}; a record whose target is {@code "."}
     * (the service is decidedly not available at this name) gives null.
     *
     * @throws IllegalArgumentException naming the text when it is not an SRV record
     */
    public static SrvRecord parse(String text) {
        String[] parts = text.trim().split("\\s+");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an SRV record (priority weight port target): '" + text + "'");
        }
        int priority = number(parts[0], text);
        int weight = number(parts[1], text);
        int port = number(parts[2], text);
        String target = parts[3];
        if (".".equals(target)) {
            return null;
        }
        if (port == 0) {
            throw new IllegalArgumentException("SRV record with port 0: '" + text + "'");
        }
        return new SrvRecord(priority, weight, port, DnsNames.normalize(target, "SRV target"));
    }

    private static int number(String part, String text) {
        try {
            int n = Integer.parseInt(part);
            if (n >= 0 && n <= 65535) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Reported below with the whole record.
        }
        throw new IllegalArgumentException("SRV record field '" + part + "' is not within 0..65535: '" + text + "'");
    }

    /**
     * The records grouped by priority, most preferred (lowest number) first; within a group heavier records first,
     * then by target and port.
     */
    public static List<List<SrvRecord>> byPriority(List<SrvRecord> records) {
        TreeMap<Integer, List<SrvRecord>> groups = new TreeMap<>();
        for (SrvRecord r : records) {
            groups.computeIfAbsent(r.priority(), p -> new ArrayList<>()).add(r);
        }
        List<List<SrvRecord>> out = new ArrayList<>();
        for (List<SrvRecord> group : groups.values()) {
            group.sort(GROUP_ORDER);
            out.add(List.copyOf(group));
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d %d %d %s.", priority, weight, port, target);
    }
}
