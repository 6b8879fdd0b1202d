package dev.tether.cli.bench;

import static dev.tether.cli.bench.MiniJson.get;
import static dev.tether.cli.bench.MiniJson.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.cli.serve.EchoServer;
import dev.tether.core.testing.ScriptedPeer;
import dev.tether.tls.testing.CertSet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed calls are counted by type and make bench exit with 1: a wrong reply, a refused port (retried first),
 * and a TLS failure that every call would repeat, which stops the run at once and points at probe.
 */
class BenchFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aReplyThatIsNotTheEchoCountsAsAnUnexpectedReply() throws Exception {
        try (ScriptedPeer liar = ScriptedPeer.start(ScriptedPeer.script()
                .read(Workload.text(16).length() + 1).send("something else\n").awaitEof())) {
            Path json = dir.resolve("liar.json");
            Cli.Result r = Cli.run("bench", liar.endpoint().toString(), "-n", "1", "-c", "1", "--payload", "16",
                    "--json", json.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).contains("1 UnexpectedReply: the reply was not the echo of the request");
            Object doc = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
            assertThat(number(doc, "successes")).isZero();
            assertThat(byType(doc)).containsEntry("UnexpectedReply", 1.0);
            assertThat(number(doc, "latencyMicros", "count")).isZero();
        }
    }

    @Test
    void aPortNothingListensOnStopsTheRunAfterOneCallWaitedItsDeadline() throws Exception {
        int port;
        try (ServerSocketChannel free = ServerSocketChannel.open()) {
            free.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) free.getLocalAddress()).getPort();
        }
        Path json = dir.resolve("refused.json");
        Cli.Result r = Cli.run("bench", "127.0.0.1:" + port, "-n", "50", "-c", "1", "--timeout", "1s",
                "--json", json.toString(), "--report", dir.resolve("refused.html").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("stopped early").contains("unreachable since").contains("connection refused");
        assertThat(r.out()).contains("unavailable").contains("127.0.0.1:" + port);
        Object doc = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
        // Calls wait for the endpoint (default wait for ready) instead of failing by the thousand, and a refused
        // connect is not a retry.
        assertThat(byType(doc)).containsEntry("EndpointUnavailableException(CONNECT)", 1.0);
        assertThat(number(doc, "retries")).isZero();
        assertThat(number(doc, "connections", "created")).isZero();
        assertThat(Files.readString(dir.resolve("refused.html"))).contains("no successful calls");
    }

    @Test
    void anUntrustedServerStopsTheRunAtOnceAndPointsAtProbe() throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = EchoServer.builder().tls(certs.serverConfig().build()).build()) {
            server.start();
            Path json = dir.resolve("untrusted.json");
            Cli.Result r = Cli.run("bench", "localhost:" + server.port(), "--tls", "--duration", "1m", "-c", "2",
                    "--json", json.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains("stopped early").contains("tether probe localhost:" + server.port());
            Object doc = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
            assertThat(byType(doc)).containsKey("UntrustedCertificateException");
            assertThat((String) get(doc, "aborted")).contains("not trusted");
            assertThat(number(doc, "durationSeconds")).isLessThan(60);
        }
    }

    @Test
    void durationAndRequestsTogetherAreAUsageError() {
        Cli.Result r = Cli.run("bench", "127.0.0.1:1", "--duration", "1s", "--requests", "10");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("mutually exclusive");
    }

    @Test
    void anEmptyPayloadIsAUsageError() {
        Cli.Result r = Cli.run("bench", "127.0.0.1:1", "--payload", "0");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--payload must be at least 1 byte: 0");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> byType(Object doc) {
        return (Map<String, Object>) get(doc, "errors", "byType");
    }
}
