package dev.tether.tls.testing;

import dev.tether.tls.cert.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

/**
 * OCSP material made by the real {@code openssl ocsp}: a CA index saying a certificate is valid or revoked,
 * and the signed DER response a responder would give for it (what {@code s_server -status_file} staples).
 */
public final class OpenSslOcsp {
    private OpenSslOcsp() {
    }

    /** Writes {@code <name>.idx}, an OpenSSL CA index with {@code cert} valid or revoked a minute ago. */
    public static Path writeIndex(Path dir, String name, Path cert, boolean revoked) throws Exception {
        X509Certificate c = Pem.readCertificate(cert);
        SimpleDateFormat f = new SimpleDateFormat("yyMMddHHmmss'Z'");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        String serial = c.getSerialNumber().toString(16).toUpperCase();
        if (serial.length() % 2 == 1) {
            serial = "0" + serial;
        }
        String line = (revoked ? "R" : "V") + "\t" + f.format(c.getNotAfter()) + "\t"
                + (revoked ? f.format(new Date(System.currentTimeMillis() - 60_000)) : "") + "\t" + serial
                + "\tunknown\t/CN=unused\n";
        Path index = dir.resolve(name + ".idx");
        Files.writeString(index, line, StandardCharsets.US_ASCII);
        return index;
    }

    /**
     * Writes {@code <name>.ocsp}: a DER OCSP response for {@code cert}, signed by the CA ({@code caCert},
     * {@code caKey}), saying good or revoked, valid for a day.
     */
    public static Path response(Path dir, String name, Path caCert, Path caKey, Path cert, boolean revoked)
            throws Exception {
        Path index = writeIndex(dir, name, cert, revoked);
        run(dir, "ocsp", "-issuer", caCert.toString(), "-cert", cert.toString(), "-no_nonce", "-reqout", name + ".req");
        run(dir, "ocsp", "-index", index.toString(), "-rsigner", caCert.toString(), "-rkey", caKey.toString(),
                "-CA", caCert.toString(), "-reqin", name + ".req", "-respout", name + ".ocsp", "-ndays", "1");
        return dir.resolve(name + ".ocsp");
    }

    /** Runs {@code openssl args...} in {@code dir}, failing with its output if it fails. */
    public static void run(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
    }
}
