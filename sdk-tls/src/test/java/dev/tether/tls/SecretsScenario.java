package dev.tether.tls;

import dev.tether.core.Deadline;
import dev.tether.core.SocketConnector;
import dev.tether.core.TetherException;
import dev.tether.tls.cert.ExistingFile;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.testing.TlsEchoServer;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The run {@link SecretsNeverLoggedTest} inspects, in its own JVM so slf4j-simple can be at TRACE from the
 * start: mutual TLS with encrypted private keys, payloads echoed, a server key reload, and failures (wrong
 * password, untrusted server, missing client certificate). Every exception is printed with its stack trace and
 * every config and connection with toString(), to stderr, next to the log. The secrets used are written to
 * the file named by the first argument, one per line, for the test to search for.
 */
public final class SecretsScenario {
    static final String PASSWORD = "pw-9f3c1d7e-never-log-me";
    static final String PAYLOAD = "payload-4be1a2c8-never-log-me";

    private SecretsScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        List<String> secrets = new ArrayList<>();
        secrets.add(PASSWORD);
        secrets.add(PAYLOAD);
        secrets.add(HexFormat.of().formatHex(PAYLOAD.getBytes(StandardCharsets.US_ASCII)));
        char[] password = PASSWORD.toCharArray();

        HeldCertificate ca = HeldCertificate.builder().commonName("Secrets CA").certificateAuthority(0).build();
        HeldCertificate server = server(ca);
        HeldCertificate client = HeldCertificate.builder().commonName("secrets-client").clientAuth()
                .validFor(Duration.ofDays(1)).signedBy(ca).build();
        Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        server.write(dir.resolve("server.pem"), dir.resolve("server.key"), password, ExistingFile.REPLACE);
        client.write(dir.resolve("client.pem"), dir.resolve("client.key"), password, ExistingFile.REPLACE);
        for (HeldCertificate h : List.of(ca, server, client)) {
            addKey(secrets, h.privateKey());
        }

        TlsConfig.Builder serverRecipe = TlsConfig.builder().trustPemFile(dir.resolve("ca.pem"))
                .keyMaterial(dir.resolve("server.pem"), dir.resolve("server.key"), password)
                .clientAuth(ClientAuth.REQUIRED);
        TlsConfig.Builder clientRecipe = TlsConfig.builder().trustPemFile(dir.resolve("ca.pem"))
                .keyMaterial(dir.resolve("client.pem"), dir.resolve("client.key"), password);
        try (ReloadingTlsConfig reloading = ReloadingTlsConfig.watching(serverRecipe).start();
             TlsEchoServer echo = TlsEchoServer.start(reloading)) {
            TlsConfig clientConfig = clientRecipe.build();
            show("server config", reloading.config());
            show("client config", clientConfig);
            show("reloading config", reloading);
            exchange(echo, clientConfig);

            // Reload: a new server key, encrypted with the same password.
            HeldCertificate renewed = server(ca);
            addKey(secrets, renewed.privateKey());
            renewed.write(dir.resolve("server.pem"), dir.resolve("server.key"), password, ExistingFile.REPLACE);
            System.err.println("reloaded: " + reloading.checkNow() + ", generation " + reloading.current().generation());
            exchange(echo, clientConfig);

            // Failures.
            attempt("wrong password", () -> TlsConfig.builder().trustPemFile(dir.resolve("ca.pem"))
                    .keyMaterial(dir.resolve("client.pem"), dir.resolve("client.key"), "wrong-password".toCharArray())
                    .build());
            attempt("no password for an encrypted key", () -> TlsConfig.builder()
                    .keyMaterial(dir.resolve("client.pem"), dir.resolve("client.key")).build());
            attempt("client without certificate", () -> {
                try (TlsConnection c = connect(echo, TlsConfig.builder().trustPemFile(dir.resolve("ca.pem")).build())) {
                    c.write(ByteBuffer.wrap(PAYLOAD.getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
                    c.read(ByteBuffer.allocate(100), Deadline.after(Duration.ofSeconds(5)));
                }
                return null;
            });
            attempt("untrusted server", () -> connect(echo, TlsConfig.builder().trustSystemDefault()
                    .keyMaterial(dir.resolve("client.pem"), dir.resolve("client.key"), password).build()));
            // A broken key file on reload keeps the last good material and reports why.
            Files.writeString(dir.resolve("server.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"
                    + "-----END ENCRYPTED PRIVATE KEY-----\n");
            System.err.println("reload of a broken key: " + reloading.checkNow() + ", last failure: "
                    + reloading.lastFailure().orElse("none"));
        }
        Files.write(Path.of(args[0]), secrets, StandardCharsets.UTF_8);
        System.err.println("scenario done");
    }

    private static HeldCertificate server(HeldCertificate ca) {
        return HeldCertificate.builder().commonName("localhost").addDnsName("localhost").addIpAddress("127.0.0.1")
                .serverAuth().validFor(Duration.ofDays(1)).signedBy(ca).build();
    }

    private static void addKey(List<String> secrets, PrivateKey key) {
        byte[] encoded = key.getEncoded();
        // Any 24-character stretch of the key's base64 or hex would be a leak; search for several.
        String b64 = Base64.getEncoder().encodeToString(encoded);
        String hex = HexFormat.of().formatHex(encoded);
        for (int i = 0; i + 24 <= b64.length(); i += 24) {
            secrets.add(b64.substring(i, i + 24));
        }
        for (int i = 0; i + 32 <= hex.length(); i += 32) {
            secrets.add(hex.substring(i, i + 32));
        }
        if (key instanceof ECPrivateKey ec) {
            BigInteger s = ec.getS();
            secrets.add(s.toString(16));
            secrets.add(s.toString());
        }
    }

    private static TlsConnection connect(TlsEchoServer echo, TlsConfig config) throws TetherException {
        return new TlsConnector(SocketConnector.create(), config)
                .connect(echo.localhostEndpoint(), Deadline.after(Duration.ofSeconds(10)));
    }

    private static void exchange(TlsEchoServer echo, TlsConfig config) throws TetherException {
        try (TlsConnection c = connect(echo, config)) {
            show("connection", c);
            c.write(ByteBuffer.wrap(PAYLOAD.getBytes(StandardCharsets.US_ASCII)), Deadline.after(Duration.ofSeconds(5)));
            ByteBuffer in = ByteBuffer.allocate(PAYLOAD.length());
            while (in.hasRemaining()) {
                if (c.read(in, Deadline.after(Duration.ofSeconds(5))) < 0) {
                    throw new IllegalStateException("echo closed early");
                }
            }
            if (!new String(in.array(), StandardCharsets.US_ASCII).equals(PAYLOAD)) {
                throw new IllegalStateException("echo differs");
            }
            System.err.println("echo ok");
        }
    }

    private interface Step {
        Object run() throws Exception;
    }

    private static void attempt(String what, Step step) {
        try {
            Object o = step.run();
            show(what + " (unexpectedly succeeded)", o);
        } catch (Exception e) {
            System.err.println("failure '" + what + "': " + e);
            e.printStackTrace();
        }
    }

    private static void show(String what, Object o) {
        System.err.println(what + ": " + o);
    }
}
