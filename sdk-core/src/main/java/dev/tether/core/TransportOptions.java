package dev.tether.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Socket-level settings for a connection: timeouts, Nagle, TCP keep-alive and buffer sizes. Immutable;
 * build one with {@link #builder()}, which checks every value. {@link #defaults()} is what most services want.
 *
 * <p>Defaults: connect timeout 10s, read and write timeouts 30s, {@code TCP_NODELAY} on, {@code SO_KEEPALIVE}
 * on with probes after 60s idle, every 10s, 5 probes (applied where the platform supports them), OS-chosen
 * buffer sizes.
 */
public final class TransportOptions {
    private static final TransportOptions DEFAULTS = builder().build();

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final boolean tcpNoDelay;
    private final boolean keepAlive;
    private final Duration keepAliveIdle;
    private final Duration keepAliveInterval;
    private final int keepAliveCount;
    private final int sendBufferSize;
    private final int receiveBufferSize;

    private TransportOptions(Builder b) {
        connectTimeout = b.connectTimeout;
        readTimeout = b.readTimeout;
        writeTimeout = b.writeTimeout;
        tcpNoDelay = b.tcpNoDelay;
        keepAlive = b.keepAlive;
        keepAliveIdle = b.keepAliveIdle;
        keepAliveInterval = b.keepAliveInterval;
        keepAliveCount = b.keepAliveCount;
        sendBufferSize = b.sendBufferSize;
        receiveBufferSize = b.receiveBufferSize;
    }

    public static TransportOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder()
                .connectTimeout(connectTimeout).readTimeout(readTimeout).writeTimeout(writeTimeout)
                .tcpNoDelay(tcpNoDelay).keepAlive(keepAlive)
                .keepAliveIdle(keepAliveIdle).keepAliveInterval(keepAliveInterval).keepAliveCount(keepAliveCount)
                .sendBufferSize(sendBufferSize).receiveBufferSize(receiveBufferSize);
    }

    public Duration connectTimeout() { return connectTimeout; }

    /** Default time to wait for response bytes when a read is given no explicit deadline. */
    public Duration readTimeout() { return readTimeout; }

    /** Default time a write may block (the peer not reading) when given no explicit deadline. */
    public Duration writeTimeout() { return writeTimeout; }

    public boolean tcpNoDelay() { return tcpNoDelay; }

    public boolean keepAlive() { return keepAlive; }

    /** Idle time before the first TCP keep-alive probe ({@code TCP_KEEPIDLE}). */
    public Duration keepAliveIdle() { return keepAliveIdle; }

    /** Time between TCP keep-alive probes ({@code TCP_KEEPINTERVAL}). */
    public Duration keepAliveInterval() { return keepAliveInterval; }

    /** Unanswered probes before the kernel drops the connection ({@code TCP_KEEPCOUNT}). */
    public int keepAliveCount() { return keepAliveCount; }

    /** {@code SO_SNDBUF} in bytes; 0 leaves the OS default. */
    public int sendBufferSize() { return sendBufferSize; }

    /** {@code SO_RCVBUF} in bytes; 0 leaves the OS default. */
    public int receiveBufferSize() { return receiveBufferSize; }

    @Override
    public String toString() {
        return "TransportOptions[connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", writeTimeout=" + writeTimeout + ", tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive
                + " (idle " + keepAliveIdle + ", interval " + keepAliveInterval + ", count " + keepAliveCount
                + "), sendBufferSize=" + sendBufferSize + ", receiveBufferSize=" + receiveBufferSize + "]";
    }

    /** Builds {@link TransportOptions}; each setter rejects a bad value with a message naming it. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private boolean tcpNoDelay = true;
        private boolean keepAlive = true;
        private Duration keepAliveIdle = Duration.ofSeconds(60);
        private Duration keepAliveInterval = Duration.ofSeconds(10);
        private int keepAliveCount = 5;
        private int sendBufferSize;
        private int receiveBufferSize;

        private Builder() {
        }

        public Builder connectTimeout(Duration timeout) {
            connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        public Builder readTimeout(Duration timeout) {
            readTimeout = positive("readTimeout", timeout);
            return this;
        }

        public Builder writeTimeout(Duration timeout) {
            writeTimeout = positive("writeTimeout", timeout);
            return this;
        }

        public Builder tcpNoDelay(boolean on) {
            tcpNoDelay = on;
            return this;
        }

        public Builder keepAlive(boolean on) {
            keepAlive = on;
            return this;
        }

        /** Whole seconds, at least 1s (the kernel's unit). */
        public Builder keepAliveIdle(Duration idle) {
            keepAliveIdle = wholeSeconds("keepAliveIdle", idle);
            return this;
        }

        /** Whole seconds, at least 1s (the kernel's unit). */
        public Builder keepAliveInterval(Duration interval) {
            keepAliveInterval = wholeSeconds("keepAliveInterval", interval);
            return this;
        }

        public Builder keepAliveCount(int count) {
            if (count < 1 || count > 127) {
                throw new IllegalArgumentException("keepAliveCount must be within 1..127: " + count);
            }
            keepAliveCount = count;
            return this;
        }

        /** 0 keeps the OS default. */
        public Builder sendBufferSize(int bytes) {
            sendBufferSize = bufferSize("sendBufferSize", bytes);
            return this;
        }

        /** 0 keeps the OS default. */
        public Builder receiveBufferSize(int bytes) {
            receiveBufferSize = bufferSize("receiveBufferSize", bytes);
            return this;
        }

        public TransportOptions build() {
            return new TransportOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }

        private static Duration wholeSeconds(String name, Duration d) {
            positive(name, d);
            if (d.toMillis() % 1000 != 0 || d.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException(name + " must be whole seconds (the kernel's unit): " + d);
            }
            if (d.getSeconds() > 32_767) {
                throw new IllegalArgumentException(name + " must be at most 32767s: " + d);
            }
            return d;
        }

        private static int bufferSize(String name, int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException(name + " must be 0 (OS default) or positive: " + bytes);
            }
            return bytes;
        }
    }
}
