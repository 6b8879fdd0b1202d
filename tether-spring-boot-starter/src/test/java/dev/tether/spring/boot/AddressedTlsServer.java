package dev.tether.spring.boot;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.ServerListener;
import dev.tether.core.TetherException;
import dev.tether.core.TransportOptions;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TLS line server on a chosen loopback address and port (Tether's own server side: {@link ServerListener} and
 * {@link TlsAcceptor}) that answers every line with {@code "<address> <line>"}, so that a test can tell which
 * address behind a DNS name served a call. Two of these on 127.0.0.1 and 127.0.0.2 with one port are two
 * addresses of one name, as DNS A records give them. One platform thread per connection; for tests.
 */
final class AddressedTlsServer implements AutoCloseable {
    private final String address;
    private final ServerListener listener;
    private final TlsAcceptor acceptor;
    private final List<TlsConnection> connections = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    private AddressedTlsServer(String address, int port, TlsConfig config) throws IOException {
        this.address = address;
        this.acceptor = new TlsAcceptor(config);
        this.listener = ServerListener.bind(address, port, 0, TransportOptions.defaults());
        Thread accept = new Thread(this::acceptLoop, "addressed-tls-accept-" + address);
        accept.setDaemon(true);
        accept.start();
    }

    /** Listens on {@code address:port}; port 0 picks a free one. */
    static AddressedTlsServer start(String address, int port, TlsConfig config) {
        try {
            return new AddressedTlsServer(address, port, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return listener.endpoint().port();
    }

    /** Connections whose handshake succeeded. */
    int handshakes() {
        return connections.size();
    }

    private void acceptLoop() {
        while (!closing) {
            Connection plain;
            try {
                plain = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(plain), "addressed-tls-conn-" + address);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Connection plain) {
        TlsConnection tls;
        try {
            tls = acceptor.accept(plain, Deadline.after(Duration.ofSeconds(10)));
        } catch (TetherException e) {
            return; // a failed handshake: the client sees it
        }
        connections.add(tls);
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (tls) {
            while (true) {
                in.clear();
                if (tls.read(in, Deadline.after(Duration.ofMinutes(2))) < 0) {
                    return;
                }
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b != '\n') {
                        line.write(b);
                        continue;
                    }
                    byte[] reply = (address + " " + line.toString(StandardCharsets.UTF_8) + "\n")
                            .getBytes(StandardCharsets.UTF_8);
                    line.reset();
                    tls.write(ByteBuffer.wrap(reply), Deadline.after(Duration.ofSeconds(10)));
                }
            }
        } catch (TetherException e) {
            // The client went away or the test closed the server: this connection is over either way.
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connections.forEach(TlsConnection::close);
    }
}
