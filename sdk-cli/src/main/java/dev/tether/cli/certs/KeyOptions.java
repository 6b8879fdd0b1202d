package dev.tether.cli.certs;

import dev.tether.tls.cert.KeyType;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options for the private keys a command generates. */
final class KeyOptions {
    @Option(names = "--key-type", paramLabel = "TYPE", converter = Converters.KeyTypes.class,
            completionCandidates = Converters.KeyTypes.class,
            description = "Key type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "ec-p256")
    KeyType keyType;

    @Option(names = "--key-password-file", paramLabel = "FILE",
            description = "Encrypt new private keys (PKCS#8, AES-256, PBKDF2) with the password on the first line of FILE.")
    Path passwordFile;

    @Option(names = "--key-password-env", paramLabel = "VAR",
            description = "Encrypt new private keys with the password in environment variable VAR.")
    String passwordEnv;

    char[] password() throws IOException {
        return Passwords.read(passwordFile, passwordEnv, "key");
    }
}
