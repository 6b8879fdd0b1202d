package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;
import dev.tether.tls.cert.CertificateAuthority;
import dev.tether.tls.cert.HeldCertificate;
import dev.tether.tls.cert.KeyPurpose;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What the server and client commands share: names, key, CA, validity and output. */
abstract class LeafCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    NameOptions names;

    @Mixin
    OutputOptions output;

    @Mixin
    KeyOptions keys;

    @Mixin
    CaOptions ca;

    @Option(names = "--name", paramLabel = "NAME",
            description = "File base name (default: from --cn or the first name).")
    String name;

    @Option(names = "--days", paramLabel = "DAYS", defaultValue = "365",
            description = "Validity in days (default: ${DEFAULT-VALUE}); cannot outlast the CA.")
    int days;

    abstract KeyPurpose purpose();

    abstract boolean alsoOtherPurpose();

    abstract String what();

    abstract java.util.List<dev.tether.tls.cert.SubjectAlternativeName> subjectAlternativeNames();

    String commonName() {
        return names.commonName;
    }

    @Override
    public Integer call() throws Exception {
        names.requireSome();
        Validation.positiveDays("--days", days);
        String baseName = name != null ? name : names.baseName();
        Names.checkBaseName(baseName);
        char[] keyPassword = keys.password();
        Path dir = output.directory;
        Path certificateFile = dir.resolve(baseName + ".crt");
        Path keyFile = dir.resolve(baseName + ".key");
        if (!output.force && (java.nio.file.Files.exists(certificateFile) || java.nio.file.Files.exists(keyFile))) {
            throw new java.nio.file.FileAlreadyExistsException(
                    java.nio.file.Files.exists(keyFile) ? keyFile.toString() : certificateFile.toString());
        }
        CertificateAuthority authority = ca.load(dir);
        Set<KeyPurpose> purposes = EnumSet.of(purpose());
        if (alsoOtherPurpose()) {
            purposes = EnumSet.allOf(KeyPurpose.class);
        }
        HeldCertificate issued;
        try {
            issued = Issuing.issue(authority, keys.keyType, commonName(), subjectAlternativeNames(), purposes,
                    days);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(e.getMessage(), e);
        }
        issued.write(certificateFile, keyFile, keyPassword, output.existing());

        PrintWriter out = spec.commandLine().getOut();
        out.println(what() + " certificate signed by " + authority.certificate().getSubjectX500Principal().getName()
                + ":");
        Report.wrote(out, certificateFile, "certificate for " + Report.names(issued.info()) + " ("
                + Report.until(issued.info()) + ")");
        Report.wrote(out, keyFile, "private key (mode 0600" + (keyPassword != null ? ", encrypted" : "") + ")");
        out.flush();
        return 0;
    }
}
