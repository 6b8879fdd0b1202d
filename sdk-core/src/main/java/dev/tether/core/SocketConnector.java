package dev.tether.core;

import dev.tether.core.internal.AddressRace;
import dev.tether.core.internal.ChannelCloseGuard;
import dev.tether.core.internal.IoWatchdog;
import dev.tether.core.internal.SocketConnection;
import dev.tether.core.internal.SocketOptionsApplier;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The plain transport: opens TCP and Unix-domain connections with the socket options of a
 * {@link TransportOptions}. A host that resolves to several addresses (IPv6 and IPv4) gets Happy Eyeballs
 * connection racing ({@link AddressRace}): attempts start 250 ms apart, alternating families, the first to
 * connect wins, all within the one connect deadline.
 */
public final class SocketConnector implements Connector {
    private final TransportOptions options;
    private final HostResolver resolver;

    private SocketConnector(TransportOptions options, HostResolver resolver) {
        this.options = Objects.requireNonNull(options, "options");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** A connector with {@link TransportOptions#defaults()}. */
    public static SocketConnector create() {
        return new SocketConnector(TransportOptions.defaults(), HostResolver.SYSTEM);
    }

    public static SocketConnector of(TransportOptions options) {
        return new SocketConnector(options, HostResolver.SYSTEM);
    }

    public static SocketConnector of(TransportOptions options, HostResolver resolver) {
        return new SocketConnector(options, resolver);
    }

    public TransportOptions options() {
        return options;
    }

    /** Connects within the connect timeout of the options. */
    public Connection connect(Endpoint endpoint) throws TetherException {
        return connect(endpoint, Deadline.after(options.connectTimeout()));
    }

    /** Connects within the earlier of {@code deadline} and the connect timeout of the options. */
    @Override
    public Connection connect(Endpoint endpoint, Deadline deadline) throws TetherException {
        Objects.requireNonNull(endpoint, "endpoint");
        Deadline bounded = deadline.min(options.connectTimeout());
        return endpoint.isUnix() ? connectUnix(endpoint, bounded) : connectTcp(endpoint, bounded);
    }

    /**
     * Wraps a channel accepted by a server (see {@link ServerListener}) as a {@link Connection} with these
     * options applied.
     */
    public Connection accepted(SocketChannel channel, Endpoint localEndpoint) throws IOException {
        SocketOptionsApplier.apply(channel, options);
        return new SocketConnection(channel, localEndpoint, options);
    }

    private Connection connectTcp(Endpoint endpoint, Deadline deadline) throws TetherException {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(endpoint.host());
        } catch (UnknownHostException e) {
            throw new ConnectFailedException(ConnectFailedException.Reason.UNKNOWN_HOST, endpoint,
                    "'" + endpoint.host() + "' does not resolve", e);
        }
        if (addresses.isEmpty()) {
            throw new ConnectFailedException(ConnectFailedException.Reason.UNKNOWN_HOST, endpoint,
                    "'" + endpoint.host() + "' resolved to no address", null);
        }
        if (addresses.size() > 1) {
            return race(endpoint, addresses, deadline);
        }
        long remaining = deadline.remainingNanos();
        if (remaining <= 0) {
            throw connectFailure(endpoint, deadline, List.of(), true);
        }
        InetAddress address = addresses.get(0);
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(address instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            // Buffer sizes must be set before connecting for TCP window scaling to use them.
            SocketOptionsApplier.apply(channel, options);
            int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remaining)));
            channel.socket().connect(new InetSocketAddress(address, endpoint.port()), millis);
            return new SocketConnection(channel, endpoint, options);
        } catch (SocketTimeoutException e) {
            closeQuietly(channel);
            throw connectFailure(endpoint, deadline, List.of(e), true);
        } catch (IOException e) {
            closeQuietly(channel);
            throw connectFailure(endpoint, deadline, List.of(e), false);
        } catch (UnsupportedOperationException e) {
            // The JDK's unchecked answer to an IPv6 address where IPv6 is off (-Djava.net.preferIPv4Stack=true).
            closeQuietly(channel);
            throw new ConnectFailedException(ConnectFailedException.Reason.UNREACHABLE, endpoint,
                    "cannot connect to " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
    }

    private Connection race(Endpoint endpoint, List<InetAddress> addresses, Deadline deadline) throws TetherException {
        AddressRace race = new AddressRace(addresses, endpoint.port(), options);
        SocketChannel channel;
        try {
            channel = race.connect(deadline.systemNanoTime());
        } catch (IOException e) {
            throw new ConnectFailedException(ConnectFailedException.Reason.OTHER, endpoint,
                    "could not start connecting: " + e.getMessage(), e);
        }
        if (channel == null) {
            throw connectFailure(endpoint, deadline, race.failures(), race.timedOut());
        }
        try {
            return new SocketConnection(channel, endpoint, options);
        } catch (IOException e) {
            closeQuietly(channel);
            throw connectFailure(endpoint, deadline, List.of(e), false);
        }
    }

    private TetherException connectFailure(Endpoint endpoint, Deadline deadline, List<IOException> failures,
                                           boolean timedOut) {
        TetherException result;
        IOException last = failures.isEmpty() ? null : failures.get(failures.size() - 1);
        boolean anyRefusedOrUnreachable = failures.stream()
                .anyMatch(f -> f instanceof ConnectException || f instanceof NoRouteToHostException);
        if (timedOut && !anyRefusedOrUnreachable) {
            result = new TimedOutException(TimedOutException.Phase.CONNECT, endpoint, deadline.budget(),
                    RequestState.NOT_SENT, last);
        } else {
            ConnectFailedException.Reason reason = failures.stream().anyMatch(f -> f instanceof ConnectException && isRefused(f))
                    ? ConnectFailedException.Reason.REFUSED
                    : failures.stream().anyMatch(SocketConnector::isUnreachable)
                    ? ConnectFailedException.Reason.UNREACHABLE : ConnectFailedException.Reason.OTHER;
            String detail = failures.size() == 1 ? String.valueOf(last.getMessage())
                    : "all " + failures.size() + " addresses failed, last: " + (last == null ? "?" : last.getMessage());
            result = new ConnectFailedException(reason, endpoint, detail, last);
        }
        for (IOException f : failures) {
            if (f != last) {
                result.addSuppressed(f);
            }
        }
        return result;
    }

    private static boolean isRefused(IOException e) {
        return String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused");
    }

    private static boolean isUnreachable(IOException e) {
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return e instanceof NoRouteToHostException || msg.contains("unreachable") || msg.contains("no route");
    }

    private Connection connectUnix(Endpoint endpoint, Deadline deadline) throws TetherException {
        SocketChannel channel = null;
        ChannelCloseGuard guard = null;
        IOException failure;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            SocketOptionsApplier.apply(channel, options);
            guard = new ChannelCloseGuard(channel);
            // Connecting to a Unix socket whose backlog is full blocks with no timeout of its own.
            IoWatchdog watchdog = IoWatchdog.instance();
            watchdog.begin(guard, deadline.systemNanoTime());
            try {
                channel.connect(UnixDomainSocketAddress.of(endpoint.unixPath()));
            } finally {
                watchdog.end(guard);
            }
            if (!guard.hasFired()) {
                return new SocketConnection(channel, endpoint, options);
            }
            failure = null;
        } catch (IOException e) {
            failure = e;
        }
        closeQuietly(channel);
        if (guard != null && guard.hasFired()) {
            throw new TimedOutException(TimedOutException.Phase.CONNECT, endpoint, deadline.budget(),
                    RequestState.NOT_SENT, failure);
        }
        ConnectFailedException.Reason reason = failure instanceof ConnectException || isRefused(failure)
                ? ConnectFailedException.Reason.REFUSED : ConnectFailedException.Reason.OTHER;
        throw new ConnectFailedException(reason, endpoint, String.valueOf(failure.getMessage()), failure);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was sent on this channel; failing to close it leaves nothing to report.
            }
        }
    }

    @Override
    public String toString() {
        return "SocketConnector[" + options + "]";
    }
}
