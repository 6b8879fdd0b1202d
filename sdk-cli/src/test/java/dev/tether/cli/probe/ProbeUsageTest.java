package dev.tether.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.cli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes on the command line exit with 2 before anything is tried, and the help lists every exit code. */
class ProbeUsageTest {
    @TempDir
    Path dir;

    @Test
    void anEndpointWithoutPortIsAUsageError() {
        Cli.Result r = Cli.run("probe", "example.com");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("expected host:port");
    }

    @Test
    void aCertificateWithoutKeyIsAUsageError() {
        Cli.Result r = Cli.run("probe", "localhost:1", "--cert", dir.resolve("c.pem").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--cert and --key go together");
    }

    @Test
    void aMissingCaFileIsAUsageErrorNamingTheFile() {
        Cli.Result r = Cli.run("probe", "localhost:1", "--ca", dir.resolve("missing-ca.pem").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("missing-ca.pem");
    }

    @Test
    void aZeroTimeoutIsAUsageError() {
        Cli.Result r = Cli.run("probe", "localhost:1", "--timeout", "0s");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--timeout must be positive");
    }

    @Test
    void helpListsEveryExitCode() {
        Cli.Result r = Cli.run("probe", "--help");
        assertThat(r.exitCode()).isZero();
        for (ProbeOutcome outcome : ProbeOutcome.values()) {
            assertThat(r.out()).containsPattern("(?m)^\\s*" + outcome.exitCode() + "\\s+\\S");
        }
    }
}
