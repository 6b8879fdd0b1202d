package dev.tether.cli.certs;

import dev.tether.tls.cert.ExistingFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where files go and whether existing ones may be replaced. */
final class OutputOptions {
    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "certs/dev",
            description = "Output directory (default: ${DEFAULT-VALUE}); created if missing.")
    Path directory;

    @Option(names = {"-f", "--force"}, description = "Replace existing files (they are never overwritten otherwise).")
    boolean force;

    ExistingFile existing() {
        return force ? ExistingFile.REPLACE : ExistingFile.FAIL;
    }
}
