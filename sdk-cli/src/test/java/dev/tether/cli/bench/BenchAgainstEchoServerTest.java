package dev.tether.cli.bench;

import static dev.tether.cli.bench.MiniJson.get;
import static dev.tether.cli.bench.MiniJson.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import dev.tether.cli.serve.EchoProtocol;
import dev.tether.cli.serve.EchoServer;
import dev.tether.tls.ClientAuth;
import dev.tether.tls.testing.CertSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code tether bench} against an in-process echo server: the JSON adds up (requests, successes, connections
 * created and reused, percentiles in order, the timeline summing to the total), and the HTML report holds its
 * two charts as inline SVG with nothing fetched from elsewhere.
 */
class BenchAgainstEchoServerTest {
    @TempDir
    Path dir;

    @Test
    void jsonAccountsForEveryRequestAndTheReportHasBothCharts() throws Exception {
        try (EchoServer server = EchoServer.builder().protocol(EchoProtocol.LINE).build()) {
            server.start();
            Path json = dir.resolve("bench.json");
            Path html = dir.resolve("bench.html");
            Cli.Result r = Cli.run("bench", server.endpoint().toString(), "--protocol", "line", "--requests", "3000",
                    "--concurrency", "4", "--payload", "100", "--json", json.toString(), "--report", html.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("requests       3,000").contains("errors         0")
                    .contains("latency (µs)   p50 ").contains("wrote " + json).contains("wrote " + html);

            Object doc = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
            assertThat(get(doc, "protocol")).isEqualTo("line");
            assertThat(get(doc, "tls")).isNull();
            assertThat(number(doc, "requests")).isEqualTo(3000);
            assertThat(number(doc, "successes")).isEqualTo(3000);
            assertThat(number(doc, "errors", "total")).isZero();
            assertThat((Map<?, ?>) get(doc, "errors", "byType")).isEmpty();
            assertThat(number(doc, "retries")).isZero();
            double created = number(doc, "connections", "created");
            assertThat(created).isBetween(1.0, 4.0);
            assertThat(number(doc, "connections", "acquires")).isEqualTo(3000);
            assertThat(number(doc, "connections", "reused")).isEqualTo(3000 - created);
            assertThat(number(doc, "latencyMicros", "count")).isEqualTo(3000);
            double p50 = number(doc, "latencyMicros", "p50");
            double p90 = number(doc, "latencyMicros", "p90");
            double p99 = number(doc, "latencyMicros", "p99");
            double p999 = number(doc, "latencyMicros", "p99_9");
            double max = number(doc, "latencyMicros", "max");
            assertThat(p50).isPositive();
            assertThat(p50).isLessThanOrEqualTo(p90);
            assertThat(p90).isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(p999);
            assertThat(p999).isLessThanOrEqualTo(max);
            assertThat(number(doc, "throughputPerSecond")).isPositive();
            List<?> timeline = (List<?>) get(doc, "timeline");
            assertThat(timeline).isNotEmpty();
            double sum = 0;
            for (Object interval : timeline) {
                sum += number(interval, "successes");
            }
            assertThat(sum).isEqualTo(3000);
            assertThat(server.messagesEchoed()).isEqualTo(3000);

            String page = Files.readString(html, StandardCharsets.UTF_8);
            assertThat(page).startsWith("<!DOCTYPE html>")
                    .contains("<svg id=\"latency-percentiles\"").contains("<svg id=\"throughput\"")
                    .contains("Latency by percentile").contains("Throughput over time")
                    .containsPattern("<polyline class=\"line\" points=\"[0-9., ]+\"/>")
                    .contains("3,000")
                    .doesNotContain("<script").doesNotContain("<link").doesNotContain("src=");
            assertThat(page.split("<svg ", -1)).hasSize(3);
        }
    }

    @Test
    void pipelinedRunSharesConnectionsAndReportsRequestsPerWrite() throws Exception {
        try (EchoServer server = EchoServer.builder().protocol(EchoProtocol.LINE).build()) {
            server.start();
            Path json = dir.resolve("pipelined.json");
            Path html = dir.resolve("pipelined.html");
            Cli.Result r = Cli.run("bench", server.endpoint().toString(), "--protocol", "line", "--requests", "2000",
                    "--concurrency", "8", "--pipeline", "8", "--json", json.toString(), "--report", html.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("pipeline 8").contains("errors         0")
                    .containsPattern("pipelining     up to 8 in flight per connection; 2,000 requests in [0-9,]+ writes");
            Object doc = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
            assertThat(number(doc, "pipelineDepth")).isEqualTo(8);
            assertThat(number(doc, "successes")).isEqualTo(2000);
            assertThat(number(doc, "pipelining", "requests")).isEqualTo(2000);
            double writes = number(doc, "pipelining", "writes");
            assertThat(writes).isBetween(1.0, 2000.0);
            assertThat(server.messagesEchoed()).isEqualTo(2000);
            assertThat(Files.readString(html, StandardCharsets.UTF_8)).contains("pipeline depth 8")
                    .contains("pipelining");
        }
    }

    @Test
    void pipelineDepthOutOfRangeIsAUsageError() {
        Cli.Result r = Cli.run("bench", "127.0.0.1:1", "--pipeline", "0", "-n", "1");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--pipeline must be within 1..1024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"line", "length", "resp"})
    void everyProtocolRunsOverMutualTlsAgainstARawEchoServer(String protocol) throws Exception {
        CertSet certs = CertSet.create(dir);
        try (EchoServer server = EchoServer.builder().protocol(EchoProtocol.RAW)
                .tls(certs.serverConfig().clientAuth(ClientAuth.REQUIRED).build()).build()) {
            server.start();
            Path json = dir.resolve(protocol + ".json");
            Cli.Result r = Cli.run("bench", "localhost:" + server.port(), "--protocol", protocol,
                    "--ca", certs.caFile().toString(), "--cert", certs.clientCertFile().toString(),
                    "--key", certs.clientKeyFile().toString(), "-n", "500", "-c", "2", "--payload", "1000",
                    "--idempotent", "--json", json.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("TLS            TLSv1.3 TLS_")
                    .contains("ALPN           none negotiated")
                    .containsPattern("resumed        (yes|no) ")
                    .contains("server cert    CN=localhost, chain of 1, issued by CN=Tether Test CA");
            Object doc = MiniJson.parse(Files.readString(json, StandardCharsets.UTF_8));
            assertThat(get(doc, "tls", "protocol")).isEqualTo("TLSv1.3");
            assertThat(get(doc, "tls", "peerSubject")).isEqualTo("CN=localhost");
            assertThat(get(doc, "idempotent")).isEqualTo(Boolean.TRUE);
            assertThat(number(doc, "payloadBytes")).isEqualTo(1000);
            assertThat(number(doc, "successes")).isEqualTo(500);
            assertThat(number(doc, "connections", "created")).isLessThanOrEqualTo(2);
        }
    }
}
