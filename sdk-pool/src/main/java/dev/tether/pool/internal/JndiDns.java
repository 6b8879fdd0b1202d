package dev.tether.pool.internal;

import dev.tether.pool.AddressFamily;
import dev.tether.pool.DnsLookupException;
import dev.tether.pool.DnsLookupException.Reason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;
import javax.naming.CommunicationException;
import javax.naming.ConfigurationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.NoInitialContextException;
import javax.naming.OperationNotSupportedException;
import javax.naming.ServiceUnavailableException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS queries sent straight to name servers through the JDK's JNDI DNS provider (module {@code jdk.naming.dns}),
 * with no cache in between: each call asks again. Failures come back as {@link DnsLookupException}s that name the
 * query and the servers.
 */
public final class JndiDns implements AddressLookup {

    private static final String FACTORY = "com.sun.jndi.dns.DnsContextFactory";
    private static final String TIMEOUT_PROPERTY = "com.sun.jndi.dns.timeout.initial";
    private static final String RETRIES_PROPERTY = "com.sun.jndi.dns.timeout.retries";

    private final List<InetSocketAddress> servers;
    private final Duration queryTimeout;
    private final int attempts;
    private final String providerUrl;
    private final String via;

    /**
     * @param servers      name servers to ask, in order; empty for the system's
     * @param queryTimeout how long the first attempt waits for an answer; the provider doubles it for each retry
     * @param retries      attempts after the first, per server
     */
    public JndiDns(List<InetSocketAddress> servers, Duration queryTimeout, int retries) {
        this.servers = List.copyOf(servers);
        this.queryTimeout = queryTimeout;
        // The provider's "retries" counts every attempt per server (JDK 17 tries exactly that many; later JDKs add
        // at most a short last wait for time left over), so one more than the retries after the first.
        this.attempts = retries + 1;
        this.providerUrl = this.servers.isEmpty() ? "dns:"
                : this.servers.stream().map(JndiDns::url).collect(Collectors.joining(" "));
        this.via = this.servers.isEmpty() ? "the system's name servers"
                : this.servers.stream().map(JndiDns::url).collect(Collectors.joining(", "));
    }

    /** {@code dns://host:port}, with an IPv6 address in brackets. */
    static String url(InetSocketAddress server) {
        String host = server.getAddress().getHostAddress();
        return "dns://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getPort();
    }

    @Override
    public String via() {
        return via;
    }

    @Override
    public List<InetAddress> addresses(String name, AddressFamily family) throws DnsLookupException {
        List<InetAddress> out = new ArrayList<>();
        DnsLookupException empty = null;
        for (String type : family == AddressFamily.BOTH ? List.of("A", "AAAA")
                : List.of(family == AddressFamily.IPV4 ? "A" : "AAAA")) {
            try {
                for (String value : records(name, type)) {
                    out.add(address(name, type, value));
                }
            } catch (DnsLookupException e) {
                if (e.reason() != Reason.NO_RECORDS) {
                    throw e; // a missing name or a silent server says nothing good about the other family either
                }
                empty = e;
            }
        }
        if (out.isEmpty()) {
            throw family == AddressFamily.BOTH
                    ? new DnsLookupException(Reason.NO_RECORDS, "A/AAAA " + name, via, "neither A nor AAAA records", null)
                    : empty;
        }
        return out;
    }

    /**
     * The values of {@code name}'s records of {@code type} ({@code "A"}, {@code "AAAA"}, {@code "SRV"}), as the
     * provider writes them; never empty.
     *
     * @throws DnsLookupException when the name does not exist, no server answers, the answer has no such records
     */
    public List<String> records(String name, String type) throws DnsLookupException {
        String query = type + " " + name;
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, FACTORY);
        env.put(Context.PROVIDER_URL, providerUrl);
        env.put(TIMEOUT_PROPERTY, Long.toString(Math.max(1, queryTimeout.toMillis())));
        env.put(RETRIES_PROPERTY, Integer.toString(attempts));
        DirContext context = null;
        try {
            context = new InitialDirContext(env);
            Attributes answer = context.getAttributes(name, new String[] {type});
            Attribute records = answer.get(type);
            List<String> values = new ArrayList<>();
            if (records != null) {
                NamingEnumeration<?> all = records.getAll();
                while (all.hasMore()) {
                    values.add(String.valueOf(all.next()));
                }
            }
            if (values.isEmpty()) {
                throw new DnsLookupException(Reason.NO_RECORDS, query, via, "the name exists but the answer is empty",
                        null);
            }
            return values;
        } catch (NamingException e) {
            throw failure(query, e);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException ignored) {
                    // Closing a DNS context releases nothing that could fail in a way worth reporting.
                }
            }
        }
    }

    private DnsLookupException failure(String query, NamingException e) {
        String detail = explain(e);
        if (e instanceof NameNotFoundException) {
            return new DnsLookupException(Reason.NAME_NOT_FOUND, query, via, detail, e);
        }
        if (e instanceof ServiceUnavailableException) {
            return new DnsLookupException(Reason.SERVER_FAILURE, query, via, detail, e);
        }
        if (e instanceof OperationNotSupportedException) {
            return new DnsLookupException(Reason.REFUSED, query, via, detail, e);
        }
        if (e instanceof NoInitialContextException) {
            return new DnsLookupException(Reason.OTHER, query, via, "the JDK's DNS provider (module jdk.naming.dns)"
                    + " is not available; add it to a jlink image, or use DnsMode.SYSTEM_RESOLVER: " + detail, e);
        }
        if (e instanceof ConfigurationException) {
            return new DnsLookupException(Reason.OTHER, query, via,
                    "no name servers configured on this system; give name servers explicitly: " + detail, e);
        }
        if (e instanceof CommunicationException) {
            for (Throwable t = e.getRootCause(); t != null; t = t.getCause()) {
                if (t instanceof PortUnreachableException) {
                    return new DnsLookupException(Reason.OTHER, query, via,
                            "port unreachable: nothing listens for DNS there", e);
                }
            }
            long worst = queryTimeout.toMillis() * ((1L << attempts) - 1);
            return new DnsLookupException(Reason.TIMEOUT, query, via, attempts + " attempt(s) per server, first"
                    + " waiting " + queryTimeout.toMillis() + "ms, doubling, up to " + worst + "ms: " + detail, e);
        }
        return new DnsLookupException(Reason.OTHER, query, via, detail, e);
    }

    private static String explain(NamingException e) {
        String text = e.getExplanation() == null ? e.getClass().getSimpleName() : e.getExplanation();
        Throwable root = e.getRootCause();
        return root == null ? text : text + ": " + root;
    }

    private InetAddress address(String name, String type, String value) throws DnsLookupException {
        boolean literal = "A".equals(type) ? value.matches("[0-9.]+") : value.matches("[0-9a-fA-F:.]+");
        if (literal) {
            try {
                // A literal is parsed, never looked up.
                InetAddress a = InetAddress.getByName(value);
                // An AAAA record may hold an IPv4-mapped address, which Java gives back as an IPv4 one.
                if (!"A".equals(type) || a instanceof Inet4Address) {
                    return a;
                }
            } catch (UnknownHostException e) {
                // Falls through to the malformed-answer failure below.
            }
        }
        throw new DnsLookupException(Reason.OTHER, type + " " + name, via, "malformed " + type + " record: '"
                + value + "'", null);
    }
}
