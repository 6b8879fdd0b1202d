package dev.tether.core.internal;

import dev.tether.core.TransportOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connects to the first of several addresses of one host that answers, in the manner of Happy Eyeballs
 * (RFC 8305, connection racing only): attempts start one {@link #ATTEMPT_DELAY_NANOS} apart, alternating IPv6
 * and IPv4, and a failed attempt starts the next one at once. So a black-holed address costs a quarter of a
 * second instead of its share of the connect timeout, and every attempt may use the whole deadline.
 *
 * <p>One instance per connect; not thread-safe.
 */
public final class AddressRace {
    /** RFC 8305's recommended connection attempt delay. */
    public static final long ATTEMPT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final TransportOptions options;
    private final int port;
    private final Deque<InetAddress> notTried;
    private final List<IOException> failures = new ArrayList<>();
    private final List<SocketChannel> inFlight = new ArrayList<>();
    private boolean timedOut;

    public AddressRace(List<InetAddress> addresses, int port, TransportOptions options) {
        this.notTried = new ArrayDeque<>(interleaveFamilies(addresses));
        this.port = port;
        this.options = options;
    }

    /**
     * Orders addresses as RFC 8305 section 4 asks: the resolver's first family first, then alternating
     * families, each family in the resolver's order.
     */
    static List<InetAddress> interleaveFamilies(List<InetAddress> addresses) {
        if (addresses.isEmpty()) {
            return addresses;
        }
        boolean firstIsV6 = addresses.get(0) instanceof Inet6Address;
        Deque<InetAddress> preferred = new ArrayDeque<>();
        Deque<InetAddress> other = new ArrayDeque<>();
        for (InetAddress a : addresses) {
            ((a instanceof Inet6Address) == firstIsV6 ? preferred : other).add(a);
        }
        List<InetAddress> ordered = new ArrayList<>(addresses.size());
        while (!preferred.isEmpty() || !other.isEmpty()) {
            if (!preferred.isEmpty()) {
                ordered.add(preferred.poll());
            }
            if (!other.isEmpty()) {
                ordered.add(other.poll());
            }
        }
        return ordered;
    }

    /**
     * Races the addresses until one connects or {@code deadlineNanos} ({@link System#nanoTime()} based) passes.
     *
     * @return a connected channel in blocking mode with the options applied, or null when every attempt failed,
     *     the deadline passed or the thread was interrupted; then {@link #failures()} and {@link #timedOut()} say
     *     why
     * @throws IOException when no selector can be opened
     */
    public SocketChannel connect(long deadlineNanos) throws IOException {
        SocketChannel winner;
        try (Selector selector = Selector.open()) {
            winner = race(selector, deadlineNanos);
        } finally {
            for (SocketChannel loser : inFlight) {
                closeQuietly(loser);
            }
        }
        if (winner == null) {
            return null;
        }
        try {
            // Closing the selector deregistered the channel, so it may go back to blocking mode now.
            winner.configureBlocking(true);
            return winner;
        } catch (IOException e) {
            closeQuietly(winner);
            throw e;
        }
    }

    private SocketChannel race(Selector selector, long deadlineNanos) throws IOException {
        long nextStart = System.nanoTime();
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                // A pending interrupt makes every select return at once: give up, as a blocking connect does,
                // rather than spin until the deadline. The interrupt stays set for the caller.
                failures.add(new InterruptedIOException("interrupted while connecting"));
                return null;
            }
            long now = System.nanoTime();
            if (deadlineNanos - now <= 0) {
                timedOut = true;
                failures.add(new SocketTimeoutException("connect timed out"));
                return null;
            }
            if (!notTried.isEmpty() && (inFlight.isEmpty() || now - nextStart >= 0)) {
                int failed = failures.size();
                SocketChannel won = start(notTried.poll(), selector);
                if (won != null) {
                    return won;
                }
                // An attempt that failed at once lets the next start now, even while others still hang.
                nextStart = failures.size() > failed ? System.nanoTime() : System.nanoTime() + ATTEMPT_DELAY_NANOS;
                continue;
            }
            if (inFlight.isEmpty()) {
                return null;
            }
            long waitUntil = notTried.isEmpty() ? deadlineNanos : earlier(nextStart, deadlineNanos);
            // Rounded up: waking a little late costs nothing, waking early only loops.
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitUntil - now + 999_999)));
            int failed = failures.size();
            for (SelectionKey key : selector.selectedKeys()) {
                SocketChannel won = finish((SocketChannel) key.channel(), key);
                if (won != null) {
                    return won;
                }
            }
            selector.selectedKeys().clear();
            if (failures.size() > failed) {
                // A failed attempt starts the next one at once, also while others are still in flight.
                nextStart = System.nanoTime();
            }
        }
    }

    public List<IOException> failures() {
        return failures;
    }

    public boolean timedOut() {
        return timedOut;
    }

    private SocketChannel start(InetAddress address, Selector selector) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(address instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            // Buffer sizes must be set before connecting for TCP window scaling to use them.
            SocketOptionsApplier.apply(channel, options);
            channel.configureBlocking(false);
            if (channel.connect(new InetSocketAddress(address, port))) {
                return channel;
            }
            inFlight.add(channel);
            channel.register(selector, SelectionKey.OP_CONNECT);
        } catch (IOException e) {
            failures.add(e);
            if (channel != null) {
                inFlight.remove(channel);
                closeQuietly(channel);
            }
        } catch (UnsupportedOperationException e) {
            // The JDK throws this, unchecked, for an IPv6 channel where IPv6 is off (-Djava.net.preferIPv4Stack,
            // a kernel without it): only this address is unusable, the other family may still connect.
            failures.add(new SocketException("cannot connect to " + address.getHostAddress() + ": " + e.getMessage()));
            if (channel != null) {
                inFlight.remove(channel);
                closeQuietly(channel);
            }
        }
        return null;
    }

    private SocketChannel finish(SocketChannel channel, SelectionKey key) {
        try {
            if (channel.finishConnect()) {
                inFlight.remove(channel);
                return channel;
            }
        } catch (IOException e) {
            failures.add(e);
            key.cancel();
            inFlight.remove(channel);
            closeQuietly(channel);
        }
        return null;
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was sent on this channel; failing to close it leaves nothing to report.
        }
    }
}
