package dev.tether.bench.pool;

import dev.tether.core.Connector;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.core.codec.FramedConnection;
import dev.tether.tls.TlsConnector;
import dev.tether.core.codec.LengthPrefixedCodec;
import dev.tether.pool.CallOptions;
import dev.tether.pool.PoolSettings;
import dev.tether.pool.TetherClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Round trips of a 64-byte payload (length-prefixed: 68 bytes on the wire each way) through a pooled
 * {@link TetherClient}, plain and mutual TLS, against the best hand-written alternative: one kept-alive socket
 * per caller thread (a JDK {@code SSLSocket} for TLS, a plain {@code Socket} otherwise). The pool is allowed one
 * connection per caller so both sides hold the same number of connections; echo servers run in the same JVM.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class PooledEchoBenchmark {
    static final byte[] PAYLOAD = new byte[64];

    static {
        Arrays.fill(PAYLOAD, (byte) 'x');
    }

    @State(Scope.Benchmark)
    public static class Setting {
        @Param({"plain", "tls"})
        public String transport;

        EchoServers servers;
        TetherClient<byte[], byte[]> client;

        @Setup(Level.Trial)
        public void start() {
            servers = new EchoServers();
            TetherClient.Builder<byte[], byte[]> b = TetherClient.builder(LengthPrefixedCodec.create())
                    .pool(PoolSettings.builder().maxTotal(128).maxPerEndpoint(128).build());
            if (transport.equals("tls")) {
                b.endpoint(servers.tlsEndpoint()).tls(servers.clientTlsConfig());
            } else {
                b.endpoint(servers.plainEndpoint());
            }
            client = b.build();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            client.close();
            servers.close();
        }
    }

    /** One kept-alive socket per benchmark thread, speaking the same framing by hand. */
    @State(Scope.Thread)
    public static class OwnSocket {
        Socket socket;
        OutputStream out;
        DataInputStream in;
        final byte[] frame = ByteBuffer.allocate(4 + PAYLOAD.length).putInt(PAYLOAD.length).put(PAYLOAD).array();
        final byte[] reply = new byte[4 + PAYLOAD.length];

        @Setup(Level.Trial)
        public void open(Setting setting) throws IOException {
            if (setting.transport.equals("tls")) {
                SSLSocket ssl = (SSLSocket) setting.servers.jdkClientContext().getSocketFactory().createSocket();
                SSLParameters params = ssl.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                params.setProtocols(new String[] {"TLSv1.3"});
                ssl.setSSLParameters(params);
                socket = ssl;
                socket.connect(new InetSocketAddress("127.0.0.1", setting.servers.tlsEndpoint().port()), 5000);
                ssl.startHandshake();
            } else {
                socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", setting.servers.plainEndpoint().port()), 5000);
            }
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
        }

        byte[] roundTrip() throws IOException {
            out.write(frame);
            out.flush();
            in.readFully(reply);
            return reply;
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            socket.close();
        }
    }

    /** One Tether connection per benchmark thread, no pool: separates the pool's cost from the transport's. */
    @State(Scope.Thread)
    public static class OwnTetherConnection {
        FramedConnection<byte[], byte[]> framed;

        @Setup(Level.Trial)
        public void open(Setting setting) throws TetherException {
            Connector plain = SocketConnector.create();
            Connector connector = setting.transport.equals("tls")
                    ? new TlsConnector(plain, setting.servers.clientTlsConfig()) : plain;
            Endpoint endpoint = setting.transport.equals("tls") ? setting.servers.tlsEndpoint() : setting.servers.plainEndpoint();
            framed = new FramedConnection<>(connector.connect(endpoint, Deadline.after(Duration.ofSeconds(5))),
                    LengthPrefixedCodec.create());
        }

        @TearDown(Level.Trial)
        public void close() {
            framed.close();
        }
    }

    private static final CallOptions OPTIONS = CallOptions.timeout(Duration.ofSeconds(10));

    @Benchmark @Threads(1)
    public byte[] pooled_001(Setting s) throws TetherException {
        return s.client.call(PAYLOAD, OPTIONS);
    }

    @Benchmark @Threads(8)
    public byte[] pooled_008(Setting s) throws TetherException {
        return s.client.call(PAYLOAD, OPTIONS);
    }

    @Benchmark @Threads(32)
    public byte[] pooled_032(Setting s) throws TetherException {
        return s.client.call(PAYLOAD, OPTIONS);
    }

    @Benchmark @Threads(128)
    public byte[] pooled_128(Setting s) throws TetherException {
        return s.client.call(PAYLOAD, OPTIONS);
    }

    @Benchmark @Threads(1)
    public byte[] ownTether_001(OwnTetherConnection own) throws TetherException {
        return own.framed.exchange(PAYLOAD, Deadline.after(Duration.ofSeconds(10)));
    }

    @Benchmark @Threads(32)
    public byte[] ownTether_032(OwnTetherConnection own) throws TetherException {
        return own.framed.exchange(PAYLOAD, Deadline.after(Duration.ofSeconds(10)));
    }

    @Benchmark @Threads(1)
    public byte[] ownSocket_001(OwnSocket own) throws IOException {
        return own.roundTrip();
    }

    @Benchmark @Threads(8)
    public byte[] ownSocket_008(OwnSocket own) throws IOException {
        return own.roundTrip();
    }

    @Benchmark @Threads(32)
    public byte[] ownSocket_032(OwnSocket own) throws IOException {
        return own.roundTrip();
    }

    @Benchmark @Threads(128)
    public byte[] ownSocket_128(OwnSocket own) throws IOException {
        return own.roundTrip();
    }
}
