package dev.tether.pool;

/** Which addresses a DNS endpoint source turns into endpoints: A records, AAAA records, or both. */
public enum AddressFamily {
    /** IPv4 only (A records). */
    IPV4,
    /** IPv6 only (AAAA records). */
    IPV6,
    /** IPv4 and IPv6 (A and AAAA records): an answer with either kind is enough. */
    BOTH;

    /** Whether this family takes IPv4 addresses. */
    public boolean includesIpv4() {
        return this != IPV6;
    }

    /** Whether this family takes IPv6 addresses. */
    public boolean includesIpv6() {
        return this != IPV4;
    }
}
