package dev.tether.tls.cert;

import java.util.Locale;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * What a TLS end-entity certificate may be used for (its extended key usage). A certificate carries one or
 * both; TLS stacks refuse a server certificate without {@link #SERVER_AUTH} and a client certificate
 * without {@link #CLIENT_AUTH}.
 */
public enum KeyPurpose {
    /** TLS server authentication (id-kp-serverAuth, 1.3.6.1.5.5.7.3.1). */
    SERVER_AUTH("server", KeyPurposeId.id_kp_serverAuth),
    /** TLS client authentication (id-kp-clientAuth, 1.3.6.1.5.5.7.3.2). */
    CLIENT_AUTH("client", KeyPurposeId.id_kp_clientAuth);

    private final String label;
    private final KeyPurposeId id;

    KeyPurpose(String label, KeyPurposeId id) {
        this.label = label;
        this.id = id;
    }

    /** The short name used on the command line: {@code server} or {@code client}. */
    public String label() {
        return label;
    }

    /** The dotted object identifier, as the JDK reports it in {@code getExtendedKeyUsage()}. */
    public String oid() {
        return id.getId();
    }

    KeyPurposeId id() {
        return id;
    }

    /** The purpose with this dotted OID, or {@code null}. */
    public static KeyPurpose ofOid(String oid) {
        for (KeyPurpose purpose : values()) {
            if (purpose.oid().equals(oid)) {
                return purpose;
            }
        }
        return null;
    }

    /** Parses {@code server}, {@code client}, {@code serverAuth}, {@code SERVER_AUTH} and the like. */
    public static KeyPurpose fromLabel(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        switch (t) {
            case "server":
            case "serverauth":
                return SERVER_AUTH;
            case "client":
            case "clientauth":
                return CLIENT_AUTH;
            default:
                throw new IllegalArgumentException("unknown key purpose: " + text + " (expected server or client)");
        }
    }
}
