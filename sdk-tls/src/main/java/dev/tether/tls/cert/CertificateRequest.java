package dev.tether.tls.cert;

import dev.tether.tls.cert.CertificateMaterialException.Problem;
import dev.tether.tls.cert.internal.AtomicFiles;
import dev.tether.tls.cert.internal.CertificateMaker;
import dev.tether.tls.cert.internal.JdkKeys;
import dev.tether.tls.cert.internal.Names;
import dev.tether.tls.cert.internal.SubjectNames;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A PKCS#10 certificate signing request (CSR): a public key and the names and usages its owner asks a CA
 * to certify, signed with the matching private key. Made with {@link #builder()} or read from a file made
 * by any tool (for example {@code openssl req}); sign one with
 * {@link CertificateAuthority#sign(CertificateRequest, SigningPolicy)}.
 *
 * <p>Reading checks the request's own signature, so a request in hand is known to come from the key holder.
 */
public final class CertificateRequest {
    private final PKCS10CertificationRequest request;
    private final PublicKey publicKey;
    private final List<SubjectAlternativeName> subjectAlternativeNames;
    private final List<String> unsupportedNames;
    private final Set<KeyPurpose> requestedPurposes;
    private final List<String> otherPurposes;
    private final boolean requestsCertificateAuthority;

    private CertificateRequest(PKCS10CertificationRequest request, String source)
            throws CertificateMaterialException {
        this.request = request;
        try {
            this.publicKey = JdkKeys.publicKey(request.getSubjectPublicKeyInfo());
        } catch (Exception e) {
            throw new CertificateMaterialException(Problem.UNSUPPORTED, source,
                    "the request's public key is not an RSA, EC or Ed25519 key the JDK can use (" + e.getMessage() + ")",
                    e);
        }
        try {
            boolean signatureOk = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey));
            if (!signatureOk) {
                throw new CertificateMaterialException(Problem.INVALID, source,
                        "the request's signature does not verify with its own public key (tampered or corrupt)");
            }
        } catch (CertificateMaterialException e) {
            throw e;
        } catch (Exception e) {
            throw new CertificateMaterialException(Problem.INVALID, source,
                    "the request's signature cannot be checked (" + e.getMessage() + ")", e);
        }
        Extensions extensions = requestedExtensions(request);
        List<String> unsupported = new ArrayList<>();
        List<SubjectAlternativeName> sans = List.of();
        Set<KeyPurpose> purposes = EnumSet.noneOf(KeyPurpose.class);
        List<String> other = new ArrayList<>();
        boolean ca = false;
        if (extensions != null) {
            try {
                GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
                if (names != null) {
                    sans = Names.fromGeneralNames(names, unsupported);
                }
                ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(extensions);
                if (eku != null) {
                    for (KeyPurposeId id : eku.getUsages()) {
                        KeyPurpose purpose = KeyPurpose.ofOid(id.getId());
                        if (purpose != null) {
                            purposes.add(purpose);
                        } else {
                            other.add(id.getId());
                        }
                    }
                }
                BasicConstraints constraints = BasicConstraints.fromExtensions(extensions);
                KeyUsage usage = KeyUsage.fromExtensions(extensions);
                ca = constraints != null && constraints.isCA()
                        || usage != null && (usage.hasUsages(KeyUsage.keyCertSign) || usage.hasUsages(KeyUsage.cRLSign));
            } catch (IllegalArgumentException e) {
                throw new CertificateMaterialException(Problem.CORRUPT, source,
                        "the request's extensions are malformed (" + e.getMessage() + ")", e);
            }
        }
        this.subjectAlternativeNames = List.copyOf(sans);
        this.unsupportedNames = List.copyOf(unsupported);
        this.requestedPurposes = Collections.unmodifiableSet(purposes);
        this.otherPurposes = List.copyOf(other);
        this.requestsCertificateAuthority = ca;
    }

    /** Starts describing a new request. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads a PEM ({@code CERTIFICATE REQUEST}) or DER request from a file, checking its signature. */
    public static CertificateRequest read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses a PEM or DER request, checking its signature; {@code source} names it in errors. */
    public static CertificateRequest parse(byte[] pemOrDer, String source) throws CertificateMaterialException {
        Objects.requireNonNull(pemOrDer, "pemOrDer");
        PKCS10CertificationRequest parsed;
        try {
            if (pemOrDer.length > 0 && pemOrDer[0] == 0x30) {
                parsed = new PKCS10CertificationRequest(pemOrDer);
            } else {
                Object object;
                try (PEMParser parser = new PEMParser(new StringReader(new String(pemOrDer, StandardCharsets.US_ASCII)))) {
                    object = parser.readObject();
                }
                if (!(object instanceof PKCS10CertificationRequest)) {
                    throw new CertificateMaterialException(Problem.MISSING, source,
                            "expected a CERTIFICATE REQUEST PEM block but found "
                                    + (object == null ? "no PEM block" : object.getClass().getSimpleName()));
                }
                parsed = (PKCS10CertificationRequest) object;
            }
        } catch (CertificateMaterialException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CertificateMaterialException(Problem.CORRUPT, source,
                    "not a valid PKCS#10 certificate request (" + e.getMessage() + ")", e);
        }
        return new CertificateRequest(parsed, source);
    }

    /** Subject distinguished name as requested (RFC 2253, e.g. {@code CN=api,O=Example}). */
    public String subject() {
        try {
            return new javax.security.auth.x500.X500Principal(request.getSubject().getEncoded()).getName();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a parsed name cannot fail", e);
        }
    }

    X500Name subjectName() {
        return request.getSubject();
    }

    /** The public key to be certified. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** Requested subject alternative names of supported kinds (DNS, IP, URI, e-mail). */
    public List<SubjectAlternativeName> subjectAlternativeNames() {
        return subjectAlternativeNames;
    }

    /** Requested SANs of kinds Tether does not issue (directoryName, otherName, ...). */
    public List<String> unsupportedNames() {
        return unsupportedNames;
    }

    /** Requested TLS extended key usages (empty when the request asks for none). */
    public Set<KeyPurpose> requestedPurposes() {
        return requestedPurposes;
    }

    /** Requested extended key usages other than TLS server/client, as dotted OIDs. */
    public List<String> otherRequestedPurposes() {
        return otherPurposes;
    }

    /** Whether the request asks for CA rights (BasicConstraints CA:TRUE or keyCertSign/cRLSign usage). */
    public boolean requestsCertificateAuthority() {
        return requestsCertificateAuthority;
    }

    /** The DER encoding. */
    public byte[] encoded() {
        try {
            return request.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a parsed request cannot fail", e);
        }
    }

    /** PEM text ({@code BEGIN CERTIFICATE REQUEST}). */
    public String pem() {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject("CERTIFICATE REQUEST", encoded()));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString();
    }

    /** Writes the PEM request atomically. */
    public void write(Path file, ExistingFile existing) throws IOException {
        AtomicFiles.write(file, pem().getBytes(StandardCharsets.US_ASCII), AtomicFiles.Visibility.PUBLIC, existing);
    }

    @Override
    public String toString() {
        return "CertificateRequest[" + subject() + ", " + subjectAlternativeNames + ", " + KeyType.describe(publicKey)
                + "]";
    }

    private static Extensions requestedExtensions(PKCS10CertificationRequest request) {
        for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttributeValues()) {
                return Extensions.getInstance(value);
            }
        }
        return null;
    }

    /** Describes a request to create; {@link #build(KeyPair)} signs it with the requester's key. */
    public static final class Builder {
        private final SubjectNames subject = new SubjectNames();
        private final Set<SubjectAlternativeName> sans = new LinkedHashSet<>();
        private final Set<KeyPurpose> purposes = EnumSet.noneOf(KeyPurpose.class);

        private Builder() {
        }

        /** The subject's common name (CN). */
        public Builder commonName(String commonName) {
            subject.commonName(commonName);
            return this;
        }

        /** The subject's organization (O). */
        public Builder organization(String organization) {
            subject.organization(organization);
            return this;
        }

        /** A DNS name SAN. */
        public Builder addDnsName(String name) {
            sans.add(SubjectAlternativeName.dns(name));
            return this;
        }

        /** An IP address SAN. */
        public Builder addIpAddress(String address) {
            sans.add(SubjectAlternativeName.ip(address));
            return this;
        }

        /** A URI SAN such as a SPIFFE ID. */
        public Builder addUri(String uri) {
            sans.add(SubjectAlternativeName.uri(uri));
            return this;
        }

        /** A SAN whose type is guessed from the text; see {@link SubjectAlternativeName#parse(String)}. */
        public Builder addSubjectAlternativeName(String text) {
            sans.add(SubjectAlternativeName.parse(text));
            return this;
        }

        /** A SAN of a given type. */
        public Builder addSubjectAlternativeName(SubjectAlternativeName san) {
            sans.add(Objects.requireNonNull(san, "san"));
            return this;
        }

        /** Asks for TLS server authentication. */
        public Builder serverAuth() {
            purposes.add(KeyPurpose.SERVER_AUTH);
            return this;
        }

        /** Asks for TLS client authentication. */
        public Builder clientAuth() {
            purposes.add(KeyPurpose.CLIENT_AUTH);
            return this;
        }

        /** Signs the request with {@code keyPair}'s private key and returns it. */
        public CertificateRequest build(KeyPair keyPair) {
            Objects.requireNonNull(keyPair, "keyPair");
            if (subject.isEmpty() && sans.isEmpty()) {
                throw new IllegalStateException("a request needs a common name or at least one subject alternative name");
            }
            try {
                JcaPKCS10CertificationRequestBuilder builder =
                        new JcaPKCS10CertificationRequestBuilder(subject.toX500Name(), keyPair.getPublic());
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                if (!sans.isEmpty()) {
                    extensions.addExtension(Extension.subjectAlternativeName, subject.isEmpty(),
                            Names.toGeneralNames(List.copyOf(sans)));
                }
                if (!purposes.isEmpty()) {
                    extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            purposes.stream().map(p -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(p.oid())))
                                    .toArray(KeyPurposeId[]::new)));
                }
                if (!extensions.isEmpty()) {
                    builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
                }
                PKCS10CertificationRequest request = builder.build(new JcaContentSignerBuilder(
                        CertificateMaker.signatureAlgorithm(keyPair.getPrivate())).build(keyPair.getPrivate()));
                return new CertificateRequest(request, null);
            } catch (CertificateMaterialException e) {
                throw new IllegalArgumentException("the key pair does not belong together: " + e.getMessage(), e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot build certificate request: " + e.getMessage(), e);
            }
        }
    }
}
