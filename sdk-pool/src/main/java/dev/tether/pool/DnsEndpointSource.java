package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.pool.internal.AddressLookup;
import dev.tether.pool.internal.DnsNames;
import dev.tether.pool.internal.JvmDnsCache;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints from a host name's A and AAAA records, asked again every refresh interval: each address becomes an
 * endpoint {@code Endpoint.of(address, port).withServerName(host)}, so a client connects to every address behind
 * the name (a Kubernetes headless service, a replaced cache node) while TLS still verifies the name, not the
 * address.
 *
 * <pre>{@code
 * TetherClient.builder(codec)
 *     .endpointSource(DnsEndpointSource.builder("redis.prod.svc.cluster.local", 6379).build())
 *     .tls(tls)
 *     .build();
 * }</pre>
 *
 * <p><b>How DNS is asked.</b> By default ({@link DnsMode#DIRECT}) each refresh sends queries straight to the name
 * servers (the system's, or those given) through the JDK's JNDI DNS provider, so nothing between the client and
 * the name server can hide a change: the JVM's own address cache ({@code networkaddress.cache.ttl}, 30 s by default,
 * forever under a security manager) is not involved. That is the point of a source that re-resolves, so it is
 * the default. Its cost: the name is asked as given, without {@code /etc/hosts} or search domains, so give a
 * fully qualified name. {@link DnsMode#SYSTEM_RESOLVER} uses {@link java.net.InetAddress#getAllByName} for names
 * only the system resolver knows; then, when the JVM's cache outlives the refresh interval, the source logs one
 * warning naming the setting and the fix when it is built, and {@link #description()} says so.
 *
 * <p><b>Answers.</b> Every address of the chosen {@link AddressFamily} (both by default; an answer with either
 * kind is enough), once each, IPv4 first and then by address, so the same records give the same list. A name that
 * does not exist, no answer in time, a server failure or an answer without addresses throws a
 * {@link DnsLookupException} naming the query and the server; the client then keeps its last good endpoint set.
 * Record TTLs are not used: the refresh interval decides when to ask again.
 */
public final class DnsEndpointSource implements EndpointSource {

    private static final Logger LOG = LoggerFactory.getLogger(DnsEndpointSource.class);

    private final String host;
    private final int port;
    private final DnsMode mode;
    private final AddressFamily family;
    private final Duration refreshInterval;
    private final AddressLookup lookup;
    private final String description;

    private DnsEndpointSource(Builder b, String host) {
        this.host = host;
        this.port = b.port;
        this.mode = b.options.mode;
        this.family = b.options.family;
        this.refreshInterval = b.options.refreshInterval;
        this.lookup = b.options.addressLookup();
        String base = "dns " + DnsNames.addressQuery(family) + " " + host + ":" + port + " via " + lookup.via()
                + " every " + refreshInterval.toSeconds() + "s";
        Optional<String> cacheWarning = Optional.empty();
        if (mode == DnsMode.SYSTEM_RESOLVER) {
            JvmDnsCache.Policy cache = b.cachePolicy;
            cacheWarning = cache.staleAnswersWarning(refreshInterval);
            base += cacheWarning.isPresent()
                    ? " (JVM address cache " + cache.describe() + ", longer than the refresh interval: changes show late)"
                    : " (JVM address cache " + cache.describe() + ")";
        }
        this.description = base;
        cacheWarning.ifPresent(w -> LOG.warn("DNS endpoint source for {}: {}", host, w));
    }

    /**
     * A builder for the addresses of {@code host}, each used on {@code port}.
     *
     * @param host a DNS name (a trailing dot is allowed and dropped); with {@link DnsMode#DIRECT}, fully qualified
     * @param port the port every address serves on
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * The endpoints behind the host name now.
     *
     * @throws DnsLookupException when the name does not exist, no server answers in time, a server fails, or the
     *                            answer has no address of the chosen family
     */
    @Override
    public List<Endpoint> resolve() throws DnsLookupException {
        return DnsNames.endpoints(lookup.addresses(host, family), port, host);
    }

    @Override
    public Duration refreshInterval() {
        return refreshInterval;
    }

    /**
     * For example {@code "dns A/AAAA redis.prod.svc:6379 via dns://10.0.0.10:53 every 30s"}; in system-resolver mode
     * also the JVM's address cache time, and whether it outlives the refresh interval.
     */
    @Override
    public String description() {
        return description;
    }

    /** The host name asked, without a trailing dot. */
    public String host() {
        return host;
    }

    /** The port every endpoint gets. */
    public int port() {
        return port;
    }

    /** How DNS is asked. */
    public DnsMode mode() {
        return mode;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Settings for a {@link DnsEndpointSource}; each setter checks its value and names a bad one. */
    public static final class Builder {
        private final String host;
        private final int port;
        private final DnsOptions options = new DnsOptions();
        private JvmDnsCache.Policy cachePolicy;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be within 1..65535: " + port + " (host " + host + ")");
            }
            this.port = port;
        }

        /** How often to ask again after a good answer; 30 s by default, at least 1 s. */
        public Builder refreshInterval(Duration interval) {
            options.refreshInterval(interval);
            return this;
        }

        /** How DNS is asked: {@link DnsMode#DIRECT} (the default) or {@link DnsMode#SYSTEM_RESOLVER}. */
        public Builder mode(DnsMode mode) {
            options.mode(mode);
            return this;
        }

        /**
         * The name servers to ask directly, in order (an IP address and port each, usually port 53); by default
         * the system's. Only for {@link DnsMode#DIRECT}.
         */
        public Builder nameServers(List<InetSocketAddress> servers) {
            options.nameServers(servers);
            return this;
        }

        /** {@link #nameServers(List)} with one or more servers. */
        public Builder nameServers(InetSocketAddress first, InetSocketAddress... more) {
            options.nameServers(concat(first, more));
            return this;
        }

        /**
         * How long a direct query's first attempt waits for an answer (1 s by default, at least 10 ms); each retry
         * waits twice as long as the attempt before it (the JDK provider's back-off), server by server.
         */
        public Builder queryTimeout(Duration timeout) {
            options.queryTimeout(timeout);
            return this;
        }

        /**
         * How many times a direct query is sent again to each server after no answer (1 by default, 0..5). With
         * the defaults one query gives up after about 3 s per server (1 s, then 2 s).
         */
        public Builder retries(int retries) {
            options.retries(retries);
            return this;
        }

        /** Which addresses become endpoints: {@link AddressFamily#BOTH} by default. */
        public Builder family(AddressFamily family) {
            options.family(family);
            return this;
        }

        /**
         * The JVM address-cache policy to judge the system resolver by; the JVM's own settings unless set. For
         * tests, which cannot change what the JDK has already read.
         */
        Builder jvmCachePolicy(JvmDnsCache.Policy policy) {
            this.cachePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The source. In {@link DnsMode#SYSTEM_RESOLVER} mode, logs one warning when the JVM's address cache
         * outlives the refresh interval.
         *
         * @throws IllegalArgumentException when the host is not a DNS name
         * @throws IllegalStateException    when name servers are given for {@link DnsMode#SYSTEM_RESOLVER}
         */
        public DnsEndpointSource build() {
            String name = DnsNames.normalize(host, "host");
            if (options.mode == DnsMode.SYSTEM_RESOLVER && !options.nameServers.isEmpty()) {
                throw new IllegalStateException("name servers " + options.nameServers + " given for " + name
                        + ", but the system resolver asks the system's own: use DnsMode.DIRECT to ask them");
            }
            if (cachePolicy == null) {
                cachePolicy = JvmDnsCache.current();
            }
            return new DnsEndpointSource(this, name);
        }
    }

    static List<InetSocketAddress> concat(InetSocketAddress first, InetSocketAddress... more) {
        Objects.requireNonNull(first, "name server");
        Objects.requireNonNull(more, "name servers");
        InetSocketAddress[] all = new InetSocketAddress[more.length + 1];
        all[0] = first;
        System.arraycopy(more, 0, all, 1, more.length);
        return List.of(all);
    }
}
