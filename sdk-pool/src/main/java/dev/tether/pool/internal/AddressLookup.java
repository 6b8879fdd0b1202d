package dev.tether.pool.internal;

import dev.tether.pool.AddressFamily;
import dev.tether.pool.DnsLookupException;
import java.net.InetAddress;
import java.util.List;

/** Turns a host name into addresses, one way or another ({@link JndiDns} or {@link SystemResolver}). */
public interface AddressLookup {

    /**
     * The addresses of {@code name} of the given family, never empty.
     *
     * @throws DnsLookupException naming the query and the server when there is no usable answer
     */
    List<InetAddress> addresses(String name, AddressFamily family) throws DnsLookupException;

    /** Who is asked, for messages and descriptions. */
    String via();
}
