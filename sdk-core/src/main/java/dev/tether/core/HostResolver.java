package dev.tether.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into the addresses to try, in order. The default asks the JDK's resolver; services
 * with their own discovery (or tests that need a name resolving to several addresses) plug in their own.
 */
@FunctionalInterface
public interface HostResolver {

    /** The JDK resolver: every address the name has, IPv6 and IPv4, in the order the JDK prefers. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /**
     * @return at least one address
     * @throws UnknownHostException when the name has none
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
