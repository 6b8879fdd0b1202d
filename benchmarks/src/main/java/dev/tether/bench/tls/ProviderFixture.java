package dev.tether.bench.tls;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.ServerListener;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.tls.TlsProvider;
import dev.tether.tls.testing.CertSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Both sides through Tether's TLS layer on one provider: a {@link TlsAcceptor} server (one platform thread per
 * connection, echoing or discarding) and a {@link TlsConnector} client, TLS 1.3, mutual TLS, ECDSA P-256
 * certificates from the test CA, every other setting at its default. Comparing providers this way measures what
 * a Tether user gets by switching the setting.
 */
final class ProviderFixture implements AutoCloseable {
    enum Mode { ECHO, DISCARD }

    final CertSet certs;
    final TlsProvider provider;
    private final ServerListener listener;
    private final TlsAcceptor acceptor;
    private final Mode mode;
    /** The chain validation cache's TTL on both ends; null for the default. */
    private final Duration chainCache;
    private final List<TlsConnection> serverSide = new CopyOnWriteArrayList<>();

    ProviderFixture(TlsProvider provider, Mode mode) {
        this(provider, mode, null);
    }

    /**
     * {@code chainCache} sets both ends' chain validation cache ({@link Duration#ZERO}: off), for the case that
     * measures what the cache saves; null keeps the default.
     */
    ProviderFixture(TlsProvider provider, Mode mode, Duration chainCache) {
        try {
            this.certs = CertSet.create(Files.createTempDirectory("tether-provider-bench"));
            this.provider = provider;
            this.mode = mode;
            this.chainCache = chainCache;
            TlsConfig.Builder server = certs.serverConfig().provider(provider).protocols("TLSv1.3")
                    .clientAuth(ClientAuth.REQUIRED);
            this.acceptor = new TlsAcceptor((chainCache == null ? server : server.chainValidationCache(chainCache))
                    .build());
            this.listener = ServerListener.loopback();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread t = new Thread(this::acceptLoop, "provider-bench-accept");
        t.setDaemon(true);
        t.start();
    }

    /** A mutual-TLS client on the same provider; {@code resumption} off makes every handshake a full one. */
    TlsConnector connector(boolean resumption) {
        TlsConfig.Builder config = certs.mutualClientConfig().provider(provider).protocols("TLSv1.3")
                .sessionResumption(resumption);
        return new TlsConnector(SocketConnector.create(),
                (chainCache == null ? config : config.chainValidationCache(chainCache)).build());
    }

    dev.tether.core.Endpoint endpoint() {
        return dev.tether.core.Endpoint.of("localhost", listener.endpoint().port());
    }

    /** Connects, makes one 64-byte round trip (which also takes in the TLS 1.3 session tickets) and returns. */
    TlsConnection connectAndRoundTrip(TlsConnector connector) throws TetherException {
        TlsConnection c = connector.connect(endpoint(), Deadline.after(Duration.ofSeconds(30)));
        roundTrip(c, ByteBuffer.allocate(64), ByteBuffer.allocate(64));
        return c;
    }

    static void roundTrip(TlsConnection c, ByteBuffer out, ByteBuffer in) throws TetherException {
        Deadline d = Deadline.after(Duration.ofSeconds(30));
        out.clear();
        c.write(out, d);
        in.clear();
        while (in.hasRemaining()) {
            if (c.read(in, d) < 0) {
                throw new IllegalStateException("server closed");
            }
        }
    }

    private void acceptLoop() {
        while (true) {
            Connection plain;
            try {
                plain = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(plain), "provider-bench-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Connection plain) {
        try (TlsConnection tls = acceptor.accept(plain, Deadline.after(Duration.ofSeconds(30)))) {
            serverSide.add(tls);
            // Discarding bulk reads big chunks; an echo server holds a small buffer so idle-memory figures are the TLS layer's.
            ByteBuffer buf = ByteBuffer.allocate(mode == Mode.DISCARD ? 128 * 1024 : 4 * 1024);
            while (true) {
                buf.clear();
                if (tls.read(buf, Deadline.after(Duration.ofHours(1))) < 0) {
                    return;
                }
                if (mode == Mode.ECHO) {
                    buf.flip();
                    tls.write(buf, Deadline.after(Duration.ofSeconds(30)));
                }
            }
        } catch (TetherException e) {
            // The client went away.
        } finally {
            serverSide.removeIf(c -> !c.isOpen());
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        serverSide.forEach(TlsConnection::close);
    }
}
