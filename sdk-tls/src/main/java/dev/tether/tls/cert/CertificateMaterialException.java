package dev.tether.tls.cert;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Certificate or key material that cannot be used as given: a corrupt PEM file, a wrong password, a file
 * without the expected key, a key that does not belong to its certificate, a certificate outside its
 * validity, or a signing request the policy refuses. The message names the source (usually the file) and
 * says what was expected and what was found, so the person reading it knows which file to fix.
 *
 * <p>It is an {@link IOException} because it most often comes out of reading files, and callers that
 * already handle I/O failures handle this one without extra code. {@link #problem()} tells the cases apart
 * for code that reacts differently (for example, asking for a password again).
 */
public final class CertificateMaterialException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the material. */
    public enum Problem {
        /** The text is not valid PEM or the DER inside it is not what its label says. */
        CORRUPT,
        /** The file holds no object of the expected kind (for example, no private key). */
        MISSING,
        /** The file holds more than one object where exactly one was expected. */
        AMBIGUOUS,
        /** The key is encrypted and no password was given. */
        PASSWORD_REQUIRED,
        /** The password does not decrypt the key (or the encrypted key is damaged). */
        WRONG_PASSWORD,
        /** The key or algorithm is well formed but not supported. */
        UNSUPPORTED,
        /** The private key does not belong to the certificate's public key. */
        KEY_MISMATCH,
        /** A certificate is past its notAfter date. */
        EXPIRED,
        /** A certificate is before its notBefore date. */
        NOT_YET_VALID,
        /** A certificate cannot act as a certificate authority (not a CA, or its path length is exhausted). */
        NOT_A_CA,
        /** A certificate signing request asks for something the signing policy does not allow. */
        POLICY_VIOLATION,
        /** The request itself is inconsistent (for example, a CSR whose signature does not verify). */
        INVALID
    }

    private final Problem problem;
    private final String source;

    /**
     * @param problem what is wrong
     * @param source  where the material came from (a file path, or a description such as "in-memory PEM");
     *                may be {@code null} when there is no meaningful source
     * @param message what was expected and what was found; the source is prefixed automatically
     * @param cause   the underlying failure, or {@code null}
     */
    public CertificateMaterialException(Problem problem, String source, String message, Throwable cause) {
        super(source == null ? message : source + ": " + message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.source = source;
    }

    /** Same as the four-argument constructor without a cause. */
    public CertificateMaterialException(Problem problem, String source, String message) {
        this(problem, source, message, null);
    }

    /** What kind of problem this is. */
    public Problem problem() {
        return problem;
    }

    /** The file or description of where the material came from, if known. */
    public Optional<String> source() {
        return Optional.ofNullable(source);
    }
}
