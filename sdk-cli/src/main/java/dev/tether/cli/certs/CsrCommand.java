package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;
import dev.tether.tls.cert.CertificateRequest;
import dev.tether.tls.cert.Pem;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tether certs csr}: a private key and a PKCS#10 request to have it certified elsewhere. */
@Command(name = "csr",
        mixinStandardHelpOptions = true,
        description = {
            "Create a private key and a certificate signing request (PKCS#10).",
            "",
            "Have the request signed with 'tether certs sign' or by any other CA. Writes <out>/<name>.csr and "
                + "<out>/<name>.key.",
            ""},
        usageHelpAutoWidth = true)
final class CsrCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    NameOptions names;

    @Mixin
    OutputOptions output;

    @Mixin
    KeyOptions keys;

    @Option(names = "--name", paramLabel = "NAME", description = "File base name (default: from --cn or the first name).")
    String name;

    @Option(names = "--server", description = "Ask for TLS server authentication.")
    boolean server;

    @Option(names = "--client", description = "Ask for TLS client authentication.")
    boolean client;

    @Override
    public Integer call() throws Exception {
        names.requireSome();
        String baseName = name != null ? name : names.baseName();
        Names.checkBaseName(baseName);
        char[] keyPassword = keys.password();
        Path requestFile = output.directory.resolve(baseName + ".csr");
        Path keyFile = output.directory.resolve(baseName + ".key");
        if (!output.force) {
            for (Path file : new Path[] {keyFile, requestFile}) {
                if (Files.exists(file)) {
                    throw new FileAlreadyExistsException(file.toString());
                }
            }
        }
        KeyPair pair = keys.keyType.generate();
        CertificateRequest.Builder builder = CertificateRequest.builder();
        if (names.commonName != null) {
            builder.commonName(names.commonName);
        }
        (server ? names.sansOrCommonName() : names.sans()).forEach(builder::addSubjectAlternativeName);
        if (server) {
            builder.serverAuth();
        }
        if (client) {
            builder.clientAuth();
        }
        CertificateRequest request;
        try {
            request = builder.build(pair);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(e.getMessage(), e);
        }
        Pem.writePrivateKey(keyFile, pair.getPrivate(), keyPassword, output.existing());
        request.write(requestFile, output.existing());

        PrintWriter out = spec.commandLine().getOut();
        out.println("Certificate signing request for " + (request.subject().isEmpty()
                ? request.subjectAlternativeNames() : request.subject()) + ":");
        Report.wrote(out, requestFile, "request: send this to the CA (tether certs sign " + requestFile + ")");
        Report.wrote(out, keyFile, "private key (mode 0600" + (keyPassword != null ? ", encrypted" : "")
                + "): keep it here");
        out.flush();
        return 0;
    }
}
