package dev.tether.pool;

import dev.tether.pool.internal.AddressLookup;
import dev.tether.pool.internal.JndiDns;
import dev.tether.pool.internal.SystemResolver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The DNS settings both DNS endpoint sources' builders take, checked as they are set. Their builders delegate here
 * so that the two validate the same way and share their defaults.
 */
final class DnsOptions {

    /** The shortest refresh interval: asking more often only loads the name servers. */
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);
    static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(1);
    static final int DEFAULT_RETRIES = 1;
    private static final Duration MIN_QUERY_TIMEOUT = Duration.ofMillis(10);
    private static final int MAX_RETRIES = 5;

    DnsMode mode = DnsMode.DIRECT;
    List<InetSocketAddress> nameServers = List.of();
    Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
    int retries = DEFAULT_RETRIES;
    AddressFamily family = AddressFamily.BOTH;
    Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

    void mode(DnsMode value) {
        mode = Objects.requireNonNull(value, "mode");
    }

    void nameServers(List<InetSocketAddress> servers) {
        Objects.requireNonNull(servers, "nameServers");
        for (InetSocketAddress s : servers) {
            Objects.requireNonNull(s, "name server");
            if (s.isUnresolved()) {
                // Looking up the name server's own name would go through the resolver this source avoids.
                throw new IllegalArgumentException("name server must be an IP address, not a name to resolve: " + s);
            }
        }
        nameServers = List.copyOf(servers);
    }

    void queryTimeout(Duration value) {
        Objects.requireNonNull(value, "queryTimeout");
        if (value.compareTo(MIN_QUERY_TIMEOUT) < 0) {
            throw new IllegalArgumentException("queryTimeout must be at least " + MIN_QUERY_TIMEOUT.toMillis()
                    + "ms: " + value);
        }
        queryTimeout = value;
    }

    void retries(int value) {
        if (value < 0 || value > MAX_RETRIES) {
            throw new IllegalArgumentException("retries must be within 0.." + MAX_RETRIES + ": " + value);
        }
        retries = value;
    }

    void family(AddressFamily value) {
        family = Objects.requireNonNull(value, "family");
    }

    void refreshInterval(Duration value) {
        Objects.requireNonNull(value, "refreshInterval");
        if (value.compareTo(MIN_REFRESH_INTERVAL) < 0) {
            throw new IllegalArgumentException("refreshInterval must be at least " + MIN_REFRESH_INTERVAL.toSeconds()
                    + "s: " + value);
        }
        refreshInterval = value;
    }

    /**
     * The longest one query can wait: every attempt on every server, each attempt twice as long as the one before.
     */
    Duration worstQueryTime() {
        int servers = Math.max(1, nameServers.size());
        return queryTimeout.multipliedBy(((1L << (retries + 1)) - 1) * servers);
    }

    /** Direct queries to the given name servers (the system's when none are given). */
    JndiDns direct() {
        return new JndiDns(nameServers, queryTimeout, retries);
    }

    /** Where addresses come from in this mode. */
    AddressLookup addressLookup() {
        return mode == DnsMode.DIRECT ? direct() : new SystemResolver();
    }
}
