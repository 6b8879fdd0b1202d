package dev.tether.cli.probe;

import java.util.Locale;

/**
 * What {@code tether probe} found, with the exit code scripts see. The codes are stable and documented in
 * the README.
 */
public enum ProbeOutcome {
    /** The handshake succeeded and the certificate was verified. */
    OK(0, "TLS handshake succeeded"),
    /** The command line was wrong; nothing was tried. */
    USAGE(2, "usage error"),
    /** The TCP connection could not be made: refused, unreachable, unknown host. */
    CANNOT_CONNECT(3, "cannot connect"),
    /** Connecting or the handshake did not finish in time. */
    TIMEOUT(4, "timed out"),
    /** The certificate chain does not lead to a trusted CA. */
    UNTRUSTED_CERTIFICATE(5, "certificate not trusted"),
    /** The certificate is trusted but not issued for the name connected to. */
    HOSTNAME_MISMATCH(6, "hostname mismatch"),
    /** A certificate is expired or not valid yet. */
    CERTIFICATE_NOT_VALID_NOW(7, "certificate expired or not yet valid"),
    /** The server requires a client certificate, or rejected the one presented. */
    CLIENT_CERTIFICATE(8, "client certificate required or rejected"),
    /** No protocol version or cipher suite in common. */
    NO_COMMON_PROTOCOL(9, "no shared protocol or cipher"),
    /** The peer answered with something that is not TLS. */
    NOT_TLS(10, "peer does not speak TLS"),
    /** Any other handshake failure. */
    HANDSHAKE_FAILED(11, "TLS handshake failed"),
    /** The server's certificate is revoked (stapled OCSP, OCSP responder or CRL said so). */
    CERTIFICATE_REVOKED(12, "certificate revoked");

    private final int exitCode;
    private final String label;

    ProbeOutcome(int exitCode, String label) {
        this.exitCode = exitCode;
        this.label = label;
    }

    /** The process exit code. */
    public int exitCode() {
        return exitCode;
    }

    /** A few words for people: "certificate not trusted". */
    public String label() {
        return label;
    }

    /** A stable identifier for JSON: {@code untrusted_certificate}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The exit-code table as picocli's {@code exitCodeList} wants it ({@code "5:certificate not trusted"}). */
    static String[] exitCodeList() {
        ProbeOutcome[] all = values();
        String[] list = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            list[i] = all[i].exitCode + ":" + all[i].label;
        }
        return list;
    }
}
