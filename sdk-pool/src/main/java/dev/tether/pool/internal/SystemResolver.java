package dev.tether.pool.internal;

import dev.tether.pool.AddressFamily;
import dev.tether.pool.DnsLookupException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses from the system resolver ({@link InetAddress#getAllByName}): {@code /etc/hosts}, search domains and the
 * system's name servers, behind the JVM's address cache ({@link JvmDnsCache}).
 */
public final class SystemResolver implements AddressLookup {

    /** How this resolver is named in messages. */
    public static final String VIA = "the system resolver";

    @Override
    public List<InetAddress> addresses(String name, AddressFamily family) throws DnsLookupException {
        String query = DnsNames.addressQuery(family) + " " + name;
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            // InetAddress does not say whether the name is unknown or no server answered.
            throw new DnsLookupException(DnsLookupException.Reason.NAME_NOT_FOUND, query, VIA,
                    "unknown host, or no name server answered: the system resolver does not say which", e);
        }
        List<InetAddress> kept = new ArrayList<>();
        for (InetAddress a : all) {
            if (a instanceof Inet4Address ? family.includesIpv4() : a instanceof Inet6Address && family.includesIpv6()) {
                kept.add(a);
            }
        }
        if (kept.isEmpty()) {
            throw new DnsLookupException(DnsLookupException.Reason.NO_RECORDS, query, VIA,
                    "only addresses of another family: " + List.of(all), null);
        }
        return kept;
    }

    @Override
    public String via() {
        return VIA;
    }
}
