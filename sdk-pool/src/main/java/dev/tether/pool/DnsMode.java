package dev.tether.pool;

/**
 * How a {@link DnsEndpointSource} or {@link SrvEndpointSource} asks DNS for addresses.
 *
 * <p>{@link #DIRECT} is the default: it is the only way to see a changed answer as soon as the name server has
 * it, whatever the JVM's own address cache is set to. {@link #SYSTEM_RESOLVER} is for names only the system
 * resolves (entries in {@code /etc/hosts}, short names completed by {@code resolv.conf} search domains, other
 * name services), at the cost of the JVM's address cache.
 */
public enum DnsMode {

    /**
     * DNS queries sent straight to name servers through the JDK's JNDI DNS provider ({@code jdk.naming.dns}): the
     * given name servers, else the system's (from {@code /etc/resolv.conf} or the platform's settings). Nothing
     * caches the answer, so a change is seen on the next refresh. The name is asked as given, as a fully
     * qualified name: {@code /etc/hosts} and search domains do not apply (write
     * {@code redis.prod.svc.cluster.local}, not {@code redis}).
     */
    DIRECT,

    /**
     * {@link java.net.InetAddress#getAllByName}: everything the system resolver knows ({@code /etc/hosts}, search
     * domains, nsswitch), behind the JVM's positive address cache ({@code networkaddress.cache.ttl}, 30 s by
     * default; forever under a security manager). When that cache outlives the refresh interval, the source logs
     * a warning and says so in its description, because address changes then show up late.
     */
    SYSTEM_RESOLVER
}
