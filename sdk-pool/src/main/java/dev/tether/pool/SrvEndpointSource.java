package dev.tether.pool;

import dev.tether.core.Endpoint;
import dev.tether.pool.DnsLookupException.Reason;
import dev.tether.pool.internal.AddressLookup;
import dev.tether.pool.internal.DnsNames;
import dev.tether.pool.internal.JndiDns;
import dev.tether.pool.internal.JvmDnsCache;
import dev.tether.pool.internal.SrvRecord;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints from DNS SRV records ({@code _service._proto.name}, RFC 2782), asked again every refresh interval:
 * each record names a target host and port; every address of a target becomes an endpoint
 * {@code Endpoint.of(address, port).withServerName(target)}, so TLS verifies the target's name.
 *
 * <pre>{@code
 * SrvEndpointSource.builder("redis", "tcp", "prod.example.com").build()   // _redis._tcp.prod.example.com
 * }</pre>
 *
 * <p><b>Priority and weight.</b> Only the most preferred priority group is used: the lowest priority number
 * whose targets give at least one address. Lower-preference groups are backups, used only while no target of a
 * better group resolves; a target that does not exist or has no address is skipped, but any other failure (a
 * timeout, a server failure) fails the whole answer, so a passing hiccup never shrinks the endpoint set. Weights
 * do not share out load (the client's balancer spreads calls by each endpoint's load); they only order the
 * endpoints, heavier targets first. Records whose target is {@code "."} (the service is not offered) are ignored.
 *
 * <p><b>How DNS is asked.</b> The SRV query always goes straight to the name servers (the given ones, else the
 * system's) through the JDK's JNDI DNS provider. Targets are resolved the way {@link DnsMode} says:
 * {@link DnsMode#DIRECT} by default, for the reasons given on {@link DnsEndpointSource}. Failures throw
 * {@link DnsLookupException}s naming the query and server; the client keeps its last good set.
 */
public final class SrvEndpointSource implements EndpointSource {

    private static final Logger LOG = LoggerFactory.getLogger(SrvEndpointSource.class);

    private final String name;
    private final AddressFamily family;
    private final Duration refreshInterval;
    private final JndiDns srvLookup;
    private final AddressLookup targetLookup;
    private final String description;

    private SrvEndpointSource(DnsOptions options, String name, JvmDnsCache.Policy cache) {
        this.name = name;
        this.family = options.family;
        this.refreshInterval = options.refreshInterval;
        this.srvLookup = options.direct();
        this.targetLookup = options.addressLookup();
        String base = "dns SRV " + name + " via " + srvLookup.via() + ", targets " + DnsNames.addressQuery(family)
                + " via " + targetLookup.via() + " every " + refreshInterval.toSeconds() + "s";
        Optional<String> cacheWarning = Optional.empty();
        if (options.mode == DnsMode.SYSTEM_RESOLVER) {
            cacheWarning = cache.staleAnswersWarning(refreshInterval);
            base += cacheWarning.isPresent()
                    ? " (JVM address cache " + cache.describe() + ", longer than the refresh interval: changes show late)"
                    : " (JVM address cache " + cache.describe() + ")";
        }
        this.description = base;
        cacheWarning.ifPresent(w -> LOG.warn("SRV endpoint source for {}: {}", name, w));
    }

    /** A builder for the SRV records of {@code srvName}, for example {@code "_redis._tcp.prod.example.com"}. */
    public static Builder builder(String srvName) {
        return new Builder(srvName);
    }

    /** A builder for {@code _service._protocol.domain}, for example ("redis", "tcp", "prod.example.com"). */
    public static Builder builder(String service, String protocol, String domain) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(domain, "domain");
        return new Builder("_" + service + "._" + protocol + "." + domain);
    }

    /**
     * The endpoints of the most preferred priority group whose targets resolve.
     *
     * @throws DnsLookupException when the SRV name does not exist, has no records, no target resolves, or a query
     *                            times out or fails
     */
    @Override
    public List<Endpoint> resolve() throws DnsLookupException {
        List<SrvRecord> records = new ArrayList<>();
        for (String text : srvLookup.records(name, "SRV")) {
            SrvRecord r;
            try {
                r = SrvRecord.parse(text);
            } catch (IllegalArgumentException e) {
                throw new DnsLookupException(Reason.OTHER, "SRV " + name, srvLookup.via(), e.getMessage(), e);
            }
            if (r != null) {
                records.add(r);
            }
        }
        if (records.isEmpty()) {
            throw new DnsLookupException(Reason.NO_RECORDS, "SRV " + name, srvLookup.via(),
                    "every record's target is \".\": the service is not offered at this name", null);
        }
        List<String> skipped = new ArrayList<>();
        for (List<SrvRecord> group : SrvRecord.byPriority(records)) {
            Set<Endpoint> endpoints = new LinkedHashSet<>();
            for (SrvRecord r : group) {
                try {
                    endpoints.addAll(DnsNames.endpoints(targetLookup.addresses(r.target(), family), r.port(),
                            r.target()));
                } catch (DnsLookupException e) {
                    if (e.reason() != Reason.NAME_NOT_FOUND && e.reason() != Reason.NO_RECORDS) {
                        throw e;
                    }
                    skipped.add(e.getMessage());
                }
            }
            if (!endpoints.isEmpty()) {
                return List.copyOf(endpoints);
            }
        }
        throw new DnsLookupException(Reason.NO_RECORDS, "SRV " + name, srvLookup.via(),
                "no target has an address: " + String.join("; ", skipped), null);
    }

    @Override
    public Duration refreshInterval() {
        return refreshInterval;
    }

    /** For example {@code "dns SRV _redis._tcp.prod.example.com via the system's name servers, targets ..."}. */
    @Override
    public String description() {
        return description;
    }

    /** The SRV name asked, without a trailing dot. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return description;
    }

    /** Settings for an {@link SrvEndpointSource}; each setter checks its value and names a bad one. */
    public static final class Builder {
        private final String name;
        private final DnsOptions options = new DnsOptions();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "srvName");
        }

        /** How often to ask again after a good answer; 30 s by default, at least 1 s. */
        public Builder refreshInterval(Duration interval) {
            options.refreshInterval(interval);
            return this;
        }

        /**
         * How the targets' addresses are asked: {@link DnsMode#DIRECT} (the default) or
         * {@link DnsMode#SYSTEM_RESOLVER}. The SRV query itself is always direct.
         */
        public Builder mode(DnsMode mode) {
            options.mode(mode);
            return this;
        }

        /**
         * The name servers for the SRV query and, in {@link DnsMode#DIRECT} mode, the targets' addresses (an IP
         * address and port each); by default the system's.
         */
        public Builder nameServers(List<InetSocketAddress> servers) {
            options.nameServers(servers);
            return this;
        }

        /** {@link #nameServers(List)} with one or more servers. */
        public Builder nameServers(InetSocketAddress first, InetSocketAddress... more) {
            options.nameServers(DnsEndpointSource.concat(first, more));
            return this;
        }

        /** How long a query's first attempt waits (1 s by default, at least 10 ms); each retry waits twice as long. */
        public Builder queryTimeout(Duration timeout) {
            options.queryTimeout(timeout);
            return this;
        }

        /** How many times a query is sent again to each server after no answer (1 by default, 0..5). */
        public Builder retries(int retries) {
            options.retries(retries);
            return this;
        }

        /** Which addresses of the targets become endpoints: {@link AddressFamily#BOTH} by default. */
        public Builder family(AddressFamily family) {
            options.family(family);
            return this;
        }

        /**
         * The source. In {@link DnsMode#SYSTEM_RESOLVER} mode, logs one warning when the JVM's address cache
         * outlives the refresh interval (the targets' addresses would then change late).
         *
         * @throws IllegalArgumentException when the name is not a DNS name
         */
        public SrvEndpointSource build() {
            return new SrvEndpointSource(options, DnsNames.normalize(name, "SRV name"), JvmDnsCache.current());
        }
    }
}
