package dev.tether.it.support;

import dev.tether.core.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.images.builder.Transferable;

/**
 * Containers of the test image running the TLS servers the scenarios talk to, each configured the way an
 * operator would: socat, nginx {@code stream}, HAProxy, stunnel and Redis. Terminating proxies forward to a
 * plain socat echo service on the container's loopback ({@value #ECHO_PORT}), which answers with exactly the
 * bytes it receives, so any framing a client uses round-trips.
 *
 * <p>Containers come back unstarted and without published ports: publish with {@code withExposedPorts} or, for
 * fault scenarios, {@link StableHostPorts}. Every server presents a certificate for {@value #SERVER_NAME},
 * so clients connect with {@link #endpoint} (SNI and hostname verification against that name, whatever
 * address Docker publishes on). Server output goes to the test log; {@link #countLogLines} reads it back for
 * assertions about what the server saw.
 */
public final class TlsServers {

    /** The port every TLS server listens on inside its container. */
    public static final int TLS_PORT = 8443;

    /** The plain echo service's port, bound to the container's loopback only. */
    public static final int ECHO_PORT = 7000;

    /** The DNS name on every server certificate; clients verify it. */
    public static final String SERVER_NAME = "server.tether.test";

    private static final String CONFIG_DIR = "/etc/tether";

    private TlsServers() {
    }

    /** The address of {@code container}'s published {@code containerPort}, verified as {@link #SERVER_NAME}. */
    public static Endpoint endpoint(GenericContainer<?> container, int containerPort) {
        return Endpoint.of(container.getHost(), container.getMappedPort(containerPort)).withServerName(SERVER_NAME);
    }

    /** {@link #endpoint(GenericContainer, int)} for {@link #TLS_PORT}. */
    public static Endpoint endpoint(GenericContainer<?> container) {
        return endpoint(container, TLS_PORT);
    }

    /**
     * A socat {@code OPENSSL-LISTEN} server on {@link #TLS_PORT} that forks per connection and hands it to
     * {@code handler} (a socat address such as {@code PIPE} for an echo, or {@code SYSTEM:...}). With
     * {@code clientCa} set, a client certificate issued by that CA is required ({@code verify=1}). socat logs
     * each connection under the program name {@code label} ({@code "<label>[pid] N accepting connection"}).
     */
    public static GenericContainer<?> socat(String logName, Pki.Leaf server, String clientCa, String label,
                                            String handler) {
        return shell(logName, List.of(socatListen(TLS_PORT, server, clientCa, label, handler)), TLS_PORT);
    }

    /** The socat command line behind {@link #socat}, for containers that run several servers. */
    public static String socatListen(int port, Pki.Leaf server, String clientCa, String label, String handler) {
        String verify = clientCa == null ? ",verify=0" : ",verify=1,cafile=" + clientCa;
        return "socat -d -d -lp" + label + " OPENSSL-LISTEN:" + port + ",fork,reuseaddr"
                + ",cert=" + server.containerCertificate() + ",key=" + server.containerKey() + verify
                + " " + quote(handler);
    }

    /**
     * nginx {@code stream} terminating TLS 1.2/1.3 on {@link #TLS_PORT} with {@code ssl_verify_client on}, in
     * front of the echo service, closing sessions idle for {@code proxyTimeout}. nginx logs one line per
     * finished session: {@code session client_dn="..." protocol=... status=... bytes_in=... bytes_out=...}.
     */
    public static GenericContainer<?> nginxStream(String logName, Pki pki, Pki.Leaf server, Duration proxyTimeout) {
        String config = String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                "pid /tmp/nginx.pid;",
                "error_log stderr notice;",
                "load_module /usr/lib/nginx/modules/ngx_stream_module.so;",
                "events { worker_connections 1024; }",
                "stream {",
                "  log_format tether 'session client_dn=\"$ssl_client_s_dn\" protocol=$ssl_protocol status=$status"
                        + " bytes_in=$bytes_received bytes_out=$bytes_sent';",
                "  access_log /dev/stdout tether;",
                "  server {",
                "    listen " + TLS_PORT + " ssl;",
                "    ssl_protocols TLSv1.2 TLSv1.3;",
                "    ssl_certificate " + server.containerCertificate() + ";",
                "    ssl_certificate_key " + server.containerKey() + ";",
                "    ssl_client_certificate " + pki.containerCaCertificate() + ";",
                "    ssl_verify_client on;",
                "    proxy_pass 127.0.0.1:" + ECHO_PORT + ";",
                "    proxy_timeout " + proxyTimeout.toMillis() + "ms;",
                "  }",
                "}",
                "");
        return shell(logName, List.of(loopbackEcho(), "nginx -c " + CONFIG_DIR + "/nginx.conf"), ECHO_PORT, TLS_PORT)
                .withCopyToContainer(Transferable.of(config), CONFIG_DIR + "/nginx.conf");
    }

    /**
     * HAProxy in TCP mode terminating TLS 1.2 only with the single OpenSSL cipher {@code cipher}, requiring a
     * client certificate, in front of the echo service; {@code timeout client} is {@code clientTimeout}. It
     * logs one line per finished session: {@code session protocol=... cipher=... bytes=... state=...}.
     */
    public static GenericContainer<?> haproxyTls12(String logName, Pki pki, Pki.Leaf server, String cipher,
                                                   Duration clientTimeout) {
        String config = String.join("\n",
                "global",
                // One thread: with several, HAProxy drops a stdout log line when two threads write at once
                // (seen when sessions end together), and the scenarios count these lines.
                "  nbthread 1",
                "  log stdout format raw local0 info",
                "defaults",
                "  mode tcp",
                "  log global",
                "  timeout connect 2s",
                "  timeout client " + clientTimeout.toMillis() + "ms",
                "  timeout server 60s",
                "frontend tls",
                "  bind :" + TLS_PORT + " ssl crt " + server.containerCombined() + " ca-file "
                        + pki.containerCaCertificate() + " verify required ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2"
                        + " ciphers " + cipher,
                "  log-format \"session protocol=%sslv cipher=%sslc bytes=%B state=%ts\"",
                "  default_backend echo",
                "backend echo",
                "  server echo 127.0.0.1:" + ECHO_PORT,
                "");
        return shell(logName, List.of(loopbackEcho(), "haproxy -db -f " + CONFIG_DIR + "/haproxy.cfg"),
                ECHO_PORT, TLS_PORT)
                .withCopyToContainer(Transferable.of(config), CONFIG_DIR + "/haproxy.cfg");
    }

    /**
     * stunnel in server mode on {@link #TLS_PORT}, requiring a client certificate from {@code pki}, in front
     * of the echo service, resetting connections idle for {@code idleTimeout} (whole seconds, at least one).
     * It logs {@code Service [echo] accepted connection} per connection.
     */
    public static GenericContainer<?> stunnel(String logName, Pki pki, Pki.Leaf server, Duration idleTimeout) {
        String config = String.join("\n",
                "foreground = yes",
                "pid =",
                "debug = 5",
                "[echo]",
                "accept = " + TLS_PORT,
                "connect = 127.0.0.1:" + ECHO_PORT,
                "cert = " + server.containerCertificate(),
                "key = " + server.containerKey(),
                "CAfile = " + pki.containerCaCertificate(),
                "verifyChain = yes",
                "requireCert = yes",
                "TIMEOUTidle = " + Math.max(1, idleTimeout.toSeconds()),
                "");
        return shell(logName, List.of(loopbackEcho(), "stunnel " + CONFIG_DIR + "/stunnel.conf"), ECHO_PORT, TLS_PORT)
                .withCopyToContainer(Transferable.of(config), CONFIG_DIR + "/stunnel.conf");
    }

    /**
     * Redis 7 serving only TLS on {@link #TLS_PORT} ({@code --port 0}) and requiring client certificates from
     * {@code pki}. Protected mode is off because the client certificate is the authentication; persistence is
     * off unless {@code extraArguments} turn it on. Ready once Redis logs that it accepts connections.
     */
    public static GenericContainer<?> redis(String logName, Pki pki, Pki.Leaf server, String... extraArguments) {
        List<String> command = new ArrayList<>(List.of("redis-server",
                "--port", "0",
                "--tls-port", Integer.toString(TLS_PORT),
                "--tls-cert-file", server.containerCertificate(),
                "--tls-key-file", server.containerKey(),
                "--tls-ca-cert-file", pki.containerCaCertificate(),
                "--tls-auth-clients", "yes",
                "--protected-mode", "no",
                "--dir", "/tmp",
                "--save", "",
                "--appendonly", "no"));
        command.addAll(List.of(extraArguments));
        return TestImage.container(logName)
                .withCommand(command.toArray(new String[0]))
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*\\n", 1));
    }

    /**
     * The arguments {@code redis-cli} needs inside a {@link #redis} container to connect with {@code client}'s
     * certificate, followed by {@code command}.
     */
    public static String[] redisCli(Pki pki, Pki.Leaf client, String... command) {
        List<String> args = new ArrayList<>(List.of("redis-cli", "--tls",
                "--cacert", pki.containerCaCertificate(),
                "--cert", client.containerCertificate(),
                "--key", client.containerKey(),
                "--sni", SERVER_NAME,
                "-p", Integer.toString(TLS_PORT)));
        args.addAll(List.of(command));
        return args.toArray(new String[0]);
    }

    /** The echo service the terminating proxies forward to. */
    static String loopbackEcho() {
        return "socat -lpecho TCP-LISTEN:" + ECHO_PORT + ",bind=127.0.0.1,fork,reuseaddr PIPE";
    }

    /**
     * A container running {@code commands} side by side under bash (under tini as PID 1), ending when the
     * first of them ends; ready when every port in {@code ports} is listening inside the container.
     */
    public static GenericContainer<?> shell(String logName, List<String> commands, int... ports) {
        StringBuilder script = new StringBuilder();
        for (String command : commands) {
            script.append(command).append(" &\n");
        }
        script.append("wait -n\n");
        return TestImage.container(logName)
                .withCommand("bash", "-c", script.toString())
                .waitingFor(listening(ports));
    }

    /**
     * Waits until every one of {@code ports} has a listening TCP socket inside the container, checked with
     * {@code ss} in the container (so loopback-only services count, and nothing connects to a TLS port).
     */
    public static WaitStrategy listening(int... ports) {
        StringBuilder check = new StringBuilder("true");
        for (int port : ports) {
            check.append(" && ss -Hltn 'sport = :").append(port).append("' | grep -q LISTEN");
        }
        return Wait.forSuccessfulCommand(check.toString()).withStartupTimeout(Duration.ofSeconds(60));
    }

    /**
     * How many TCP connections to {@code port} are established inside the container right now, as the
     * server's kernel sees them ({@code ss}); zero once the server has closed every connection it had.
     */
    public static int establishedConnections(GenericContainer<?> container, int port) {
        try {
            ExecResult result = container.execInContainer("sh", "-c",
                    "ss -Htn state established 'sport = :" + port + "' | wc -l");
            if (result.getExitCode() != 0) {
                throw new IllegalStateException("ss failed in the container: " + result.getStderr());
            }
            return Integer.parseInt(result.getStdout().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the container for its connections", e);
        }
    }

    /**
     * How many lines of {@code container}'s output so far (stdout and stderr, see {@link ServerOutput}) match
     * {@code pattern}.
     */
    public static int countLogLines(GenericContainer<?> container, Pattern pattern) {
        return matchingLogLines(container, pattern).size();
    }

    /** The lines of {@code container}'s output so far that match {@code pattern}, in order. */
    public static List<Matcher> matchingLogLines(GenericContainer<?> container, Pattern pattern) {
        List<Matcher> matches = new ArrayList<>();
        for (String line : TestImage.output(container).lines()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                matches.add(m);
            }
        }
        return matches;
    }

    /** Single-quotes {@code text} for bash. */
    public static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
