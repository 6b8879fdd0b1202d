package dev.tether.cli.certs;

import dev.tether.tls.cert.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which CA signs: its certificate, key and key password. Defaults to the CA in the output directory. */
final class CaOptions {
    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "CA certificate (PEM) that signs (default: <out>/ca.crt).")
    Path certificate;

    @Option(names = "--ca-key", paramLabel = "FILE",
            description = "The CA's private key (PEM) (default: <out>/ca.key).")
    Path key;

    @Option(names = "--ca-password-file", paramLabel = "FILE",
            description = "The CA key's password is the first line of FILE.")
    Path passwordFile;

    @Option(names = "--ca-password-env", paramLabel = "VAR",
            description = "The CA key's password is in environment variable VAR.")
    String passwordEnv;

    Path certificate(Path outDir) {
        return certificate != null ? certificate : outDir.resolve("ca.crt");
    }

    Path key(Path outDir) {
        return key != null ? key : outDir.resolve("ca.key");
    }

    /** Loads and checks the CA (it must be a valid CA whose key matches). */
    CertificateAuthority load(Path outDir) throws IOException {
        return CertificateAuthority.load(certificate(outDir), key(outDir),
                Passwords.read(passwordFile, passwordEnv, "CA key"));
    }
}
