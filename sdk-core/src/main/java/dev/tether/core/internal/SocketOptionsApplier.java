package dev.tether.core.internal;

import dev.tether.core.TransportOptions;
import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.util.Set;
import jdk.net.ExtendedSocketOptions;

/** Applies {@link TransportOptions} to a channel, skipping options the channel or platform lacks. */
public final class SocketOptionsApplier {
    private SocketOptionsApplier() {
    }

    public static void apply(NetworkChannel channel, TransportOptions options) throws IOException {
        Set<SocketOption<?>> supported = channel.supportedOptions();
        if (supported.contains(StandardSocketOptions.TCP_NODELAY)) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
        }
        if (supported.contains(StandardSocketOptions.SO_KEEPALIVE)) {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, options.keepAlive());
            if (options.keepAlive()) {
                setIfSupported(channel, supported, ExtendedSocketOptions.TCP_KEEPIDLE,
                        (int) options.keepAliveIdle().getSeconds());
                setIfSupported(channel, supported, ExtendedSocketOptions.TCP_KEEPINTERVAL,
                        (int) options.keepAliveInterval().getSeconds());
                setIfSupported(channel, supported, ExtendedSocketOptions.TCP_KEEPCOUNT, options.keepAliveCount());
            }
        }
        if (options.sendBufferSize() > 0 && supported.contains(StandardSocketOptions.SO_SNDBUF)) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
        }
        if (options.receiveBufferSize() > 0 && supported.contains(StandardSocketOptions.SO_RCVBUF)) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
        }
    }

    private static void setIfSupported(NetworkChannel channel, Set<SocketOption<?>> supported,
                                       SocketOption<Integer> option, int value) throws IOException {
        if (supported.contains(option)) {
            channel.setOption(option, value);
        }
    }
}
