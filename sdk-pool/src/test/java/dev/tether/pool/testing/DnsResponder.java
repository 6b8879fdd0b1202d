package dev.tether.pool.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small authoritative DNS server on a real UDP socket on loopback, for tests of the DNS endpoint sources: it
 * speaks the wire protocol (RFC 1035) for A, AAAA and SRV questions, answering from records the test changes while
 * it runs. A name with no records at all gets NXDOMAIN; a name that has records, but none of the asked type, gets
 * an empty answer (NODATA). {@link #silent(boolean)} makes it read questions and never answer, for timeouts; {@link
 * #serverFailure(boolean)} answers SERVFAIL. Every question asked is recorded ({@link #questions()}).
 */
public final class DnsResponder implements AutoCloseable {

    /** Record types as numbered on the wire. */
    public static final int A = 1;
    public static final int AAAA = 28;
    public static final int SRV = 33;

    private static final int NOERROR = 0;
    private static final int SERVFAIL = 2;
    private static final int NXDOMAIN = 3;

    /** A question as received: its name (lower case, no trailing dot) and type. */
    public record Question(String name, int type) {
    }

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<String, List<byte[]>> a = new ConcurrentHashMap<>();
    private final Map<String, List<byte[]>> aaaa = new ConcurrentHashMap<>();
    private final Map<String, List<byte[]>> srv = new ConcurrentHashMap<>();
    private final List<Question> questions = new CopyOnWriteArrayList<>();
    private volatile boolean silent;
    private volatile boolean serverFailure;

    private DnsResponder() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "dns-responder-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    /** A responder listening on a free loopback UDP port, with no records. */
    public static DnsResponder start() throws SocketException {
        return new DnsResponder();
    }

    /** Where to send queries. */
    public InetSocketAddress address() {
        return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
    }

    /** Replaces {@code name}'s A records with {@code addresses} (dotted quads); none removes them. */
    public DnsResponder a(String name, String... addresses) {
        put(a, name, addresses, 4);
        return this;
    }

    /** Replaces {@code name}'s AAAA records with {@code addresses} (IPv6 literals); none removes them. */
    public DnsResponder aaaa(String name, String... addresses) {
        put(aaaa, name, addresses, 16);
        return this;
    }

    /**
     * Replaces {@code name}'s SRV records; each is {@code "priority weight port target"}, as in a zone file. None
     * removes them.
     */
    public DnsResponder srv(String name, String... records) {
        List<byte[]> rdata = new ArrayList<>();
        for (String record : records) {
            String[] f = record.trim().split("\\s+");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < 3; i++) {
                int n = Integer.parseInt(f[i]);
                out.write(n >> 8);
                out.write(n);
            }
            writeName(out, f[3]);
            rdata.add(out.toByteArray());
        }
        replace(srv, name, rdata);
        return this;
    }

    /** When true, questions are read and never answered. */
    public void silent(boolean value) {
        silent = value;
    }

    /** When true, every question is answered with SERVFAIL. */
    public void serverFailure(boolean value) {
        serverFailure = value;
    }

    /** Every question received so far, in order. */
    public List<Question> questions() {
        return List.copyOf(questions);
    }

    private static void put(Map<String, List<byte[]>> map, String name, String[] addresses, int length) {
        List<byte[]> rdata = new ArrayList<>();
        for (String address : addresses) {
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress(); // literals only: parsed, not looked up
                if (bytes.length != length) {
                    throw new IllegalArgumentException("not a " + length + "-byte address: " + address);
                }
                rdata.add(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        replace(map, name, rdata);
    }

    private static void replace(Map<String, List<byte[]>> map, String name, List<byte[]> rdata) {
        String key = key(name);
        if (rdata.isEmpty()) {
            map.remove(key);
        } else {
            map.put(key, List.copyOf(rdata));
        }
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            DatagramPacket in = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(in);
                byte[] reply = answer(ByteBuffer.wrap(in.getData(), 0, in.getLength()));
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            } catch (RuntimeException e) {
                // A malformed question is dropped, as a real server would; the client times out.
            }
        }
    }

    /** The reply to one query message, or null to stay silent. */
    private byte[] answer(ByteBuffer query) {
        int id = query.getShort() & 0xffff;
        int flags = query.getShort() & 0xffff;
        int questionCount = query.getShort() & 0xffff;
        query.position(12);
        if (questionCount != 1) {
            return null;
        }
        int questionStart = query.position();
        String name = readName(query);
        int type = query.getShort() & 0xffff;
        query.getShort(); // class IN
        int questionEnd = query.position();
        questions.add(new Question(name, type));
        if (silent) {
            return null;
        }
        List<byte[]> records = switch (type) {
            case A -> a.get(name);
            case AAAA -> aaaa.get(name);
            case SRV -> srv.get(name);
            default -> null;
        };
        boolean known = a.containsKey(name) || aaaa.containsKey(name) || srv.containsKey(name);
        int rcode = serverFailure ? SERVFAIL : known ? NOERROR : NXDOMAIN;
        List<byte[]> answers = rcode == NOERROR && records != null ? records : List.of();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeShort(out, id);
        // QR=1, opcode copied (0), AA=1, RD copied, RA=1, rcode.
        writeShort(out, 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode);
        writeShort(out, 1);
        writeShort(out, answers.size());
        writeShort(out, 0);
        writeShort(out, 0);
        out.write(query.array(), query.arrayOffset() + questionStart, questionEnd - questionStart);
        for (byte[] rdata : answers) {
            writeShort(out, 0xc000 | 12); // the owner name: a pointer to the question's name
            writeShort(out, type);
            writeShort(out, 1);
            writeShort(out, 0);
            writeShort(out, 0); // TTL 0: the sources must not depend on caching
            writeShort(out, rdata.length);
            out.write(rdata, 0, rdata.length);
        }
        return out.toByteArray();
    }

    private static String readName(ByteBuffer in) {
        StringBuilder name = new StringBuilder();
        int length;
        while ((length = in.get() & 0xff) != 0) {
            if ((length & 0xc0) != 0) {
                throw new IllegalArgumentException("compressed name in a question");
            }
            byte[] label = new byte[length];
            in.get(label);
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(label, StandardCharsets.US_ASCII));
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        for (String label : key(name).split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        out.write(0);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5_000);
    }
}
