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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real line-protocol server on loopback for pool tests, with faults that can be switched on while it runs.
 * One platform thread per connection keeps it simple and obviously correct.
 *
 * <p>Requests (one line each), replies (one line):
 * <ul>
 *   <li>{@code echo <text>} &rarr; {@code <text>}</li>
 *   <li>{@code do <id>} &rarr; {@code done <id> <n>}: a non-idempotent operation; the server counts how many
 *       times each id was executed ({@link #executions(String)})</li>
 *   <li>{@code PING} &rarr; {@code PONG}</li>
 * </ul>
 *
 * <p>Faults: closing connections idle for a while, stalling (reading requests but never answering while the
 * sockets stay open), answering slowly ({@link #replyDelay(Duration)}), and random per-request faults from a
 * seeded generator ({@link Fault}).
 */
public final class FaultyServer implements AutoCloseable {

    /** What a randomly faulted request gets instead of a clean reply. */
    public enum Fault {
        /** Close without executing or replying: the client cannot know the request was not executed. */
        DROP,
        /** Execute, then close without replying: the fate is unknown to the client. */
        EXECUTE_THEN_DROP,
        /** Reset the connection (RST) without replying. */
        RESET,
        /** Send half the reply, then close. */
        TRUNCATE,
        /** Reply, then send an extra unsolicited line (the connection is then out of step). */
        EXTRA_LINE,
        /** Reply with a line longer than the client's limit: a protocol violation. */
        OVERLONG
    }

    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong closedIdle = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong linesReceived = new AtomicLong();
    private final AtomicLong pings = new AtomicLong();
    private final AtomicLong faultsInjected = new AtomicLong();
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private volatile int port;
    private volatile int idleCloseMillis;
    private volatile boolean stalled;
    private volatile long replyDelayNanos;
    private volatile double faultRate;
    private volatile Random faultRandom = new Random(1);
    private volatile int overlongLength = 4096;
    private final java.util.Queue<Fault> scripted = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private FaultyServer() {
    }

    /** Starts on a free loopback port. */
    public static FaultyServer start() throws IOException {
        FaultyServer s = new FaultyServer();
        s.listen(0);
        return s;
    }

    /** Starts listening again on the same port after {@link #stop()}. */
    public void restart() throws IOException {
        listen(port);
    }

    private void listen(int wanted) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted), 512);
        port = ss.getLocalPort();
        listener = ss;
        Thread t = new Thread(() -> acceptLoop(ss), "faulty-server-accept-" + port);
        t.setDaemon(true);
        acceptor = t;
        t.start();
    }

    public Endpoint endpoint() {
        return Endpoint.of("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    /** Closes connections that send nothing for {@code idle}; zero turns it off. */
    public FaultyServer closeIdleAfter(Duration idle) {
        idleCloseMillis = (int) idle.toMillis();
        return this;
    }

    /** While stalled the server reads requests but never answers, and keeps every socket open. */
    public FaultyServer stall(boolean on) {
        stalled = on;
        return this;
    }

    /**
     * Holds each reply to a request (not to a keep-alive {@code PING}) for {@code delay} before sending it, as an
     * overloaded server would; {@link Duration#ZERO} makes the server fast again. Takes effect for the next request.
     */
    public FaultyServer replyDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("replyDelay must not be negative: " + delay);
        }
        replyDelayNanos = delay.toNanos();
        return this;
    }

    /** Injects a random {@link Fault} into about {@code rate} of requests, reproducibly for {@code seed}. */
    public FaultyServer randomFaults(double rate, long seed) {
        faultRandom = new Random(seed);
        faultRate = rate;
        return this;
    }

    /** The next requests (other than pings) get these faults, one each, in order. */
    /** Forgets the scripted faults not injected yet: the server is healthy again. */
    public FaultyServer clearFaults() {
        scripted.clear();
        return this;
    }

    public FaultyServer nextFaults(Fault... faults) {
        scripted.addAll(java.util.List.of(faults));
        return this;
    }

    /** The length of the line an {@link Fault#OVERLONG} fault sends. */
    public FaultyServer overlongLength(int length) {
        overlongLength = length;
        return this;
    }

    /**
     * Stops listening and closes every connection abruptly, as a crashing server would. When it returns the
     * port refuses connections: on some JDKs (seen on 25) a {@code ServerSocket} closed while a thread is blocked
     * in {@code accept} keeps listening until that thread leaves, so this waits for the accepting thread.
     */
    public void stop() {
        ServerSocket ss = listener;
        if (ss != null) {
            closeQuietly(ss);
        }
        Thread t = acceptor;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                throw new IllegalStateException("the accepting thread of port " + port + " did not stop within 10s");
            }
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Closes every open connection abruptly while the server keeps accepting new ones. */
    public void closeConnections() {
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    public long accepted() {
        return accepted.get();
    }

    public int openConnections() {
        return open.size();
    }

    public long closedIdle() {
        return closedIdle.get();
    }

    public long requests() {
        return requests.get();
    }

    /** Every line read so far, pings included, answered or not (a stalled server still counts them). */
    public long linesReceived() {
        return linesReceived.get();
    }

    public long pings() {
        return pings.get();
    }

    public long faultsInjected() {
        return faultsInjected.get();
    }

    /** How many times {@code do <id>} was executed. */
    public int executions(String id) {
        AtomicInteger n = executions.get(id);
        return n == null ? 0 : n.get();
    }

    /** Every id executed more than once. */
    public Set<String> executedMoreThanOnce() {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        executions.forEach((id, n) -> {
            if (n.get() > 1) {
                ids.add(id);
            }
        });
        return ids;
    }

    private void acceptLoop(ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return;
            }
            if (ss.isClosed()) {
                // Accepted while stop() was closing the listener: the server is down, so is this connection.
                closeQuietly(s);
                return;
            }
            accepted.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> serve(s), "faulty-server-conn-" + port);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            while (true) {
                s.setSoTimeout(idleCloseMillis);
                String line;
                try {
                    line = in.readLine();
                } catch (SocketTimeoutException idle) {
                    closedIdle.incrementAndGet();
                    return;
                }
                if (line == null) {
                    return;
                }
                linesReceived.incrementAndGet();
                if (stalled) {
                    continue;
                }
                if (!handle(s, line, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away or the server is stopping: either way this connection is over.
        } finally {
            open.remove(s);
        }
    }

    /** Answers one request; false when the connection must end. */
    private boolean handle(Socket s, String line, OutputStream out) throws IOException {
        if (line.equals("PING")) {
            pings.incrementAndGet();
            write(out, "PONG");
            return true;
        }
        requests.incrementAndGet();
        delayReply();
        Fault fault = pickFault();
        if (fault == Fault.DROP) {
            return false;
        }
        if (fault == Fault.RESET) {
            s.setSoLinger(true, 0);
            return false;
        }
        String reply = execute(line);
        if (fault == null) {
            write(out, reply);
            return true;
        }
        switch (fault) {
            case EXECUTE_THEN_DROP:
                return false;
            case TRUNCATE:
                out.write(reply.substring(0, reply.length() / 2).getBytes(StandardCharsets.UTF_8));
                out.flush();
                return false;
            case EXTRA_LINE:
                write(out, reply + "\nunsolicited");
                return true;
            case OVERLONG:
                write(out, "x".repeat(overlongLength));
                return true;
            default:
                write(out, reply);
                return true;
        }
    }

    /** Simulated latency of a slow server (not synchronisation): this connection's thread just waits it out. */
    private void delayReply() throws IOException {
        long delay = replyDelayNanos;
        if (delay <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while delaying a reply");
        }
    }

    private Fault pickFault() {
        Fault next = scripted.poll();
        if (next != null) {
            faultsInjected.incrementAndGet();
            return next;
        }
        double rate = faultRate;
        if (rate <= 0) {
            return null;
        }
        Random r = faultRandom;
        synchronized (r) {
            if (r.nextDouble() >= rate) {
                return null;
            }
            faultsInjected.incrementAndGet();
            Fault[] all = Fault.values();
            return all[r.nextInt(all.length)];
        }
    }

    private String execute(String line) {
        if (line.startsWith("echo ")) {
            return line.substring(5);
        }
        if (line.startsWith("do ")) {
            String id = line.substring(3);
            int n = executions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return "done " + id + " " + n;
        }
        return "error unknown command";
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException alreadyGone) {
            // Closing a socket whose peer already left can fail; it is closed either way.
        }
    }
}
