package dev.tether.tls.cert;

import dev.tether.tls.cert.internal.CertificateMaker;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA's record of revoked certificates and the CRLs made from it. The record is a small text file
 * ({@code revoked.txt} next to the CA by convention), one line per revoked certificate: the serial number in
 * hex and the revocation time (ISO-8601), so revoking is appending and the file can be read and reviewed.
 * {@link #issueCrl} signs an X.509 v2 CRL listing every entry, for a CRL distribution point.
 */
public final class RevocationList {
    /** One revoked certificate. */
    public record Entry(BigInteger serial, Instant revokedAt) {
        public Entry {
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(revokedAt, "revokedAt");
        }
    }

    private final Map<BigInteger, Entry> entries;

    private RevocationList(Map<BigInteger, Entry> entries) {
        this.entries = entries;
    }

    /** An empty list. */
    public static RevocationList empty() {
        return new RevocationList(new LinkedHashMap<>());
    }

    /** Reads a list written by {@link #write(Path)}; a missing file is an empty list. */
    public static RevocationList read(Path file) throws IOException {
        Map<BigInteger, Entry> entries = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return new RevocationList(entries);
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            String[] parts = s.split("\\s+");
            try {
                BigInteger serial = new BigInteger(parts[0], 16);
                Instant at = parts.length > 1 ? Instant.parse(parts[1]) : Instant.EPOCH;
                entries.put(serial, new Entry(serial, at));
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new CertificateMaterialException(CertificateMaterialException.Problem.INVALID, file.toString(),
                        "line " + n + " is not '<serial hex> <ISO-8601 time>': " + s);
            }
        }
        return new RevocationList(entries);
    }

    /** Adds {@code certificate} as revoked at {@code at}; revoking twice keeps the first time. */
    public RevocationList revoke(X509Certificate certificate, Instant at) {
        return revoke(certificate.getSerialNumber(), at);
    }

    /** Adds the certificate with this serial number as revoked at {@code at}; revoking twice keeps the first time. */
    public RevocationList revoke(BigInteger serial, Instant at) {
        Map<BigInteger, Entry> copy = new LinkedHashMap<>(entries);
        copy.putIfAbsent(serial, new Entry(serial, at));
        return new RevocationList(copy);
    }

    /** Whether this list holds {@code serial}. */
    public boolean contains(BigInteger serial) {
        return entries.containsKey(serial);
    }

    /** The entries, in the order they were revoked. */
    public List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Writes the list (replacing {@code file} atomically). */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# Certificates revoked by this CA: serial (hex) and time."
                + " Make a CRL with 'tether certs crl'.\n");
        for (Entry e : entries.values()) {
            sb.append(e.serial().toString(16)).append(' ').append(e.revokedAt()).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Signs a CRL with {@code ca} listing every entry, issued at {@code now} with its next update
     * {@code validity} later, numbered {@code crlNumber} (increase it with each CRL).
     */
    public X509CRL issueCrl(CertificateAuthority ca, Instant now, Duration validity, BigInteger crlNumber) {
        Objects.requireNonNull(ca, "ca");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        X509Certificate caCert = ca.certificate();
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), Date.from(now));
            builder.setNextUpdate(Date.from(now.plus(validity)));
            for (Entry e : entries.values()) {
                builder.addCRLEntry(e.serial(), Date.from(e.revokedAt()), CRLReason.unspecified);
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new AuthorityKeyIdentifier(CertificateMaker.keyIdentifierOf(caCert)));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            var signer = new JcaContentSignerBuilder(CertificateMaker.signatureAlgorithm(ca.held().privateKey()))
                    .build(ca.held().privateKey());
            byte[] der = builder.build(signer).getEncoded();
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the CRL: " + e.getMessage(), e);
        }
    }

    /** A CRL in PEM ({@code -----BEGIN X509 CRL-----}), as OpenSSL writes it. */
    public static String toPem(X509CRL crl) {
        try {
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(crl.getEncoded());
            return "-----BEGIN X509 CRL-----\n" + b64 + "\n-----END X509 CRL-----\n";
        } catch (java.security.cert.CRLException e) {
            throw new IllegalStateException("cannot encode the CRL: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        List<String> serials = new ArrayList<>();
        entries.keySet().forEach(s -> serials.add(s.toString(16)));
        return "RevocationList" + serials;
    }
}
