package dev.tether.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tether demo} with a short duration: it makes the PKI when there is none, rides through the server
 * restart with zero failed calls (the restart really cost connections: every one it dropped was replaced, so
 * more were opened in all than the restart dropped),
 * reuses the PKI the second time, and refuses a partial PKI instead of overwriting it.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void createsThePkiAndEveryCallSucceedsAcrossTheRestart() {
        Path pki = dir.resolve("certs/dev");
        Cli.Result r = Cli.run("demo", "--dir", pki.toString(), "--duration", "2s", "--concurrency", "3");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(pki.resolve("ca.crt")).exists();
        assertThat(pki.resolve("client.key")).exists();
        assertThat(r.out()).contains("Created a development PKI in " + pki)
                .contains("Started a mutual-TLS echo server on 127.0.0.1:")
                .contains(">> restarted the server in ")
                .contains("errors         0")
                .contains("TLS            TLSv1.3 TLS_")
                .contains("client cert    CN=tether-dev-client")
                .contains("restarted once")
                .containsPattern("latency \\(µs\\)   p50 [0-9.,]+   p90 [0-9.,]+   p99 [0-9.,]+   p99\\.9 [0-9.,]+   max")
                .containsPattern("Every one of [0-9,]+ calls succeeded, across a server restart");
        // Progress lines go to the output when there is no terminal, one per interval.
        assertThat(r.out()).containsPattern("(?m)^\\s+[0-9.]+s  [0-9,]+ calls  [0-9,]+/s  errors 0  retries");
        // The restart closed every connection open then (each one the pool had made), so the pool had to open new
        // ones after it: more in all than the restart dropped. (How many the 3 callers needed at once before the
        // restart depends on scheduling, so "more than callers" would be timing luck; this count is not.)
        Matcher dropped = Pattern.compile(">> restarted the server in [0-9.]+ ms: ([0-9]+) open connection").matcher(r.out());
        assertThat(dropped.find()).as(r.out()).isTrue();
        int droppedByRestart = Integer.parseInt(dropped.group(1));
        assertThat(droppedByRestart).isPositive();
        Matcher created = Pattern.compile("connections    ([0-9,]+) created").matcher(r.out());
        assertThat(created.find()).isTrue();
        assertThat(Integer.parseInt(created.group(1).replace(",", ""))).isGreaterThan(droppedByRestart);

        Cli.Result again = Cli.run("demo", "--dir", pki.toString(), "--duration", "1s");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Using the development PKI in " + pki);
    }

    @Test
    void aPartialPkiIsReportedNotOverwritten() throws Exception {
        Path pki = dir.resolve("partial");
        Files.createDirectories(pki);
        Files.writeString(pki.resolve("ca.crt"), "not a certificate");
        Cli.Result r = Cli.run("demo", "--dir", pki.toString(), "--duration", "1s");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("is incomplete (missing server.crt, server.key, client.crt, client.key)")
                .contains("tether certs init -o " + pki + " --force");
        assertThat(Files.readString(pki.resolve("ca.crt"))).isEqualTo("not a certificate");
    }

    @Test
    void aTooShortDurationIsAUsageError() {
        Cli.Result r = Cli.run("demo", "--dir", dir.toString(), "--duration", "100ms");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--duration must be at least 500ms: 100ms");
    }
}
