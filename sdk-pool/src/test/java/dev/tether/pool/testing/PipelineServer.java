package dev.tether.pool.testing;

import dev.tether.core.Endpoint;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real line-protocol server on loopback for pipelining tests: it reads requests as they come (several per read
 * when the client pipelines), answers strictly in order, and can be told to fail part-way through a pipeline.
 * One platform thread per connection.
 *
 * <p>Requests (one line each), replies (one line):
 * <ul>
 *   <li>{@code tag <tag> <payload>} &rarr; {@code <tag> <payload length>}: the caller's own tag</li>
 *   <li>{@code do <id>} &rarr; {@code done <id>}: a non-idempotent operation, counted per id and per connection
 *       when the server processes it ({@link #executions(String)}, {@link #executedOn(int)})</li>
 *   <li>{@code wait <gate>} &rarr; {@code opened <gate>}, once the test {@linkplain #open(String) opens} the
 *       gate; requests behind it wait too, as on any in-order server</li>
 *   <li>{@code PING} &rarr; {@code PONG}</li>
 * </ul>
 */
public final class PipelineServer implements AutoCloseable {

    /** What the server does to a connection once it has answered {@code k} of {@code n} requests. */
    public enum Fault {
        /** Resets it (RST). */
        RESET,
        /** Closes it (FIN) after the answers. */
        CLOSE,
        /** Keeps it open, reads on and answers nothing more. */
        STALL
    }

    private record Plan(int received, int answered, Fault fault) {
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final List<List<String>> executedOn = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final AtomicReference<Plan> nextFault = new AtomicReference<>();
    /** Connection index whose reading stops after its first request, until {@link #resumeReading()}. */
    private final AtomicReference<CountDownLatch> readingHeld = new AtomicReference<>();
    /** The hold in force, which {@link #resumeReading()} ends. */
    private final AtomicReference<CountDownLatch> holding = new AtomicReference<>();
    private final CountDownLatch heldReached = new CountDownLatch(1);
    private volatile InputStream heldInput;
    private final AtomicInteger lines = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();
    private volatile boolean closing;

    private PipelineServer(int receiveBufferSize) throws IOException {
        socket = new ServerSocket();
        if (receiveBufferSize > 0) {
            socket.setReceiveBufferSize(receiveBufferSize); // before bind: accepted sockets inherit it
        }
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::acceptLoop, "pipeline-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static PipelineServer start() throws IOException {
        return new PipelineServer(0);
    }

    /** A server whose connections have a receive buffer of about {@code bytes}, so a client's writes block soon. */
    public static PipelineServer withSmallReceiveBuffer(int bytes) throws IOException {
        return new PipelineServer(bytes);
    }

    public Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", socket.getLocalPort());
    }

    /** The next connection to receive {@code n} requests answers the first {@code k}, then suffers {@code fault}. */
    public PipelineServer afterAnswering(int k, int n, Fault fault) {
        nextFault.set(new Plan(n, k, fault));
        return this;
    }

    /** The next connection reads one request, answers it, then reads nothing until {@link #resumeReading()}. */
    public PipelineServer holdReadingAfterFirstRequest() {
        readingHeld.set(new CountDownLatch(1));
        return this;
    }

    /** Waits until a connection is holding its reading (see {@link #holdReadingAfterFirstRequest()}). */
    public void awaitReadingHeld() throws InterruptedException {
        if (!heldReached.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no connection held its reading within 30s");
        }
    }

    /** Bytes that arrived on the connection holding its reading, and wait there unread. */
    public int bytesWaitingWhileHeld() {
        InputStream in = heldInput;
        try {
            return in == null ? 0 : in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    public void resumeReading() {
        CountDownLatch l = holding.get();
        if (l != null) {
            l.countDown();
        }
    }

    /** Resets every open connection (RST). */
    public void resetAll() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    public void open(String gate) {
        gate(gate).countDown();
    }

    private CountDownLatch gate(String name) {
        return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
    }

    public int executions(String id) {
        AtomicInteger n = executions.get(id);
        return n == null ? 0 : n.get();
    }

    /** Ids processed on the {@code index}th connection accepted (from 0). */
    public List<String> executedOn(int index) {
        return List.copyOf(executedOn.get(index));
    }

    public int accepted() {
        return executedOn.size();
    }

    /** Keep-alive pings answered so far. */
    public int pings() {
        return pings.get();
    }

    /** Request lines received so far, on every connection. */
    public int linesReceived() {
        return lines.get();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return;
            }
            List<String> log = new CopyOnWriteArrayList<>();
            executedOn.add(log);
            open.add(s);
            Thread t = new Thread(() -> serve(s, log), "pipeline-server-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, List<String> log) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            Plan plan = null;
            List<String> pending = new java.util.ArrayList<>();
            int answered = 0;
            boolean first = true;
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                lines.incrementAndGet();
                if (plan == null) {
                    plan = nextFault.getAndSet(null);
                }
                if (plan != null) {
                    // Gather n requests, answer k, then the fault.
                    pending.add(line);
                    if (pending.size() < plan.received) {
                        continue;
                    }
                    for (String p : pending) {
                        if (answered++ == plan.answered) {
                            break;
                        }
                        write(out, answer(p, log));
                    }
                    out.flush();
                    switch (plan.fault) {
                        case RESET -> s.setSoLinger(true, 0);
                        case CLOSE -> s.shutdownOutput();
                        case STALL -> {
                            while (readLine(in) != null) {
                                lines.incrementAndGet(); // read on, answer nothing
                            }
                        }
                    }
                    return;
                }
                if (line.startsWith("wait ")) {
                    out.flush(); // the answers before it go out before it blocks
                }
                write(out, answer(line, log));
                if (in.available() == 0) {
                    out.flush();
                }
                if (first) {
                    first = false;
                    CountDownLatch held = readingHeld.getAndSet(null);
                    if (held != null) {
                        holding.set(held);
                        heldInput = in;
                        out.flush();
                        heldReached.countDown();
                        held.await();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the test reset the connection
        } finally {
            open.remove(s);
        }
    }

    private String answer(String line, List<String> log) throws InterruptedException {
        if (line.equals("PING")) {
            pings.incrementAndGet();
            return "PONG";
        }
        if (line.startsWith("tag ")) {
            int space = line.indexOf(' ', 4);
            String tag = space < 0 ? line.substring(4) : line.substring(4, space);
            int length = space < 0 ? 0 : line.length() - space - 1;
            return tag + " " + length;
        }
        if (line.startsWith("do ")) {
            String id = line.substring(3);
            int space = id.indexOf(' ');
            if (space >= 0) {
                id = id.substring(0, space);
            }
            executions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            log.add(id);
            return "done " + id;
        }
        if (line.startsWith("wait ")) {
            String gate = line.substring(5);
            if (!gate(gate).await(60, TimeUnit.SECONDS)) {
                return "gate never opened " + gate;
            }
            return "opened " + gate;
        }
        return "error unknown command";
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return null;
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        closing = true;
        resumeReading();
        gates.values().forEach(CountDownLatch::countDown);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
