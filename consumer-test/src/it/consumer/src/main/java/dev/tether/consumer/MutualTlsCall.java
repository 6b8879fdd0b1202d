package dev.tether.consumer;

import dev.tether.core.Connection;
import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import dev.tether.core.ServerListener;
import dev.tether.core.codec.LineCodec;
import dev.tether.pool.TetherClient;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.TlsAcceptor;
import dev.tether.tls.TlsConfig;
import dev.tether.tls.TlsConnection;
import dev.tether.tls.cert.HeldCertificate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One mutual-TLS call through Tether's public API only: a throw-away CA, a Tether TLS server on loopback that
 * requires a client certificate and echoes one line, and a pooled {@link TetherClient} with default settings.
 */
public final class MutualTlsCall {
    /** What the call showed: the echoed line, and the client certificate subject the server saw. */
    public record Result(String reply, String clientSubject) {
    }

    private MutualTlsCall() {
    }

    /** Makes the call and returns what both sides saw. */
    public static Result run(String line) throws Exception {
        HeldCertificate ca = HeldCertificate.builder().commonName("consumer-ca").certificateAuthority().build();
        HeldCertificate server = HeldCertificate.builder().commonName("localhost").addDnsName("localhost")
                .serverAuth().signedBy(ca).build();
        HeldCertificate client = HeldCertificate.builder().commonName("consumer-client").clientAuth()
                .signedBy(ca).build();
        TlsConfig serverTls = TlsConfig.builder().keyMaterial(server.privateKey(), server.chain())
                .trustCertificates(ca.certificate()).clientAuth(ClientAuth.REQUIRED).build();
        TlsConfig clientTls = TlsConfig.builder().keyMaterial(client.privateKey(), client.chain())
                .trustCertificates(ca.certificate()).build();

        try (ServerListener listener = ServerListener.loopback()) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> echoOnce(listener, serverTls));
            Endpoint endpoint = Endpoint.of("localhost", listener.endpoint().port());
            try (TetherClient<String, String> tether = TetherClient.builder(LineCodec.create())
                    .endpoint(endpoint).tls(clientTls).build()) {
                String reply = tether.call(line);
                return new Result(reply, seen.get());
            }
        }
    }

    private static String echoOnce(ServerListener listener, TlsConfig config) {
        try (Connection plain = listener.accept();
             TlsConnection tls = new TlsAcceptor(config).accept(plain, Deadline.after(Duration.ofSeconds(10)))) {
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
                if (tls.read(buf, Deadline.after(Duration.ofSeconds(10))) < 0) {
                    break;
                }
            }
            buf.flip();
            tls.write(buf, Deadline.after(Duration.ofSeconds(10)));
            return tls.peerCertificates().get(0).getSubjectX500Principal().getName();
        } catch (IOException e) {
            throw new IllegalStateException("echo server failed", e);
        }
    }
}
