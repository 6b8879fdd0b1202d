package dev.tether.pool.testing;

import dev.tether.core.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real line server on loopback that numbers its connections in the order it accepts them (1, 2, ...) and
 * answers {@code which} with that number, so a test can tell which pooled connection carried a request.
 * {@code PING} gets {@code PONG}; anything else is echoed. One platform thread per connection.
 */
public final class NumberedConnectionServer implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private NumberedConnectionServer(ServerSocket listener) {
        this.listener = listener;
        Thread t = new Thread(this::acceptLoop, "numbered-server-accept");
        t.setDaemon(true);
        t.start();
    }

    public static NumberedConnectionServer start() throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        return new NumberedConnectionServer(ss);
    }

    public Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", listener.getLocalPort());
    }

    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            int number = accepted.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> serve(s, number), "numbered-server-conn-" + number);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, int number) {
        try (s) {
            s.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                String reply = line.equals("which") ? String.valueOf(number) : line.equals("PING") ? "PONG" : line;
                out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // The client went away or the server is closing: this connection is over either way.
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
