package dev.tether.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.Objects;

/**
 * The server side of the plain transport: listens on a TCP port or a Unix-domain path and hands out each
 * accepted peer as a {@link Connection}. Used by Tether's own echo server, test servers and TLS in server
 * mode.
 */
public final class ServerListener implements AutoCloseable {
    private final ServerSocketChannel channel;
    private final Endpoint localEndpoint;
    private final SocketConnector acceptedAs;

    private ServerListener(ServerSocketChannel channel, Endpoint localEndpoint, TransportOptions options) {
        this.channel = channel;
        this.localEndpoint = localEndpoint;
        this.acceptedAs = SocketConnector.of(options);
    }

    /**
     * Listens on {@code host:port}; port 0 picks a free port (see {@link #endpoint()}).
     *
     * @param backlog queue length for connections not yet accepted; 0 for the platform default
     */
    public static ServerListener bind(String host, int port, int backlog, TransportOptions options) throws IOException {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535: " + port);
        }
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be 0 (platform default) or positive: " + backlog);
        }
        InetAddress address = InetAddress.getByName(host);
        ServerSocketChannel channel = ServerSocketChannel.open(address instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(address, port), backlog);
            int bound = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            return new ServerListener(channel, Endpoint.of(host, bound), options);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Listens on loopback ({@code 127.0.0.1}) on a free port with default options. */
    public static ServerListener loopback() throws IOException {
        return bind("127.0.0.1", 0, 0, TransportOptions.defaults());
    }

    /** Listens on a Unix-domain socket path; a stale socket file left by a dead process is replaced. */
    public static ServerListener bindUnix(java.nio.file.Path path, int backlog, TransportOptions options)
            throws IOException {
        Objects.requireNonNull(path, "path");
        Files.deleteIfExists(path);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path), backlog);
            return new ServerListener(channel, Endpoint.unix(path), options);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Where clients connect: the bound host and the actual port, or the socket path. */
    public Endpoint endpoint() {
        return localEndpoint;
    }

    /** Waits for the next peer. Closing the listener from another thread ends the wait with an exception. */
    public Connection accept() throws IOException {
        SocketChannel peer = channel.accept();
        try {
            return acceptedAs.accepted(peer, localEndpoint);
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
        if (localEndpoint.isUnix()) {
            Files.deleteIfExists(localEndpoint.unixPath());
        }
    }

    @Override
    public String toString() {
        return "ServerListener[" + localEndpoint + "]";
    }
}
