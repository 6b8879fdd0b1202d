package dev.tether.core.internal;

import java.io.IOException;
import java.nio.channels.Channel;

/** Closes a channel when a guarded operation overruns its deadline, which unblocks the thread waiting in it. */
public final class ChannelCloseGuard extends IoWatchdog.Guard {
    private final Channel channel;

    public ChannelCloseGuard(Channel channel) {
        this.channel = channel;
    }

    @Override
    protected void onExpiry() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released even when close reports an error; the waiting thread is woken either way.
        }
    }
}
