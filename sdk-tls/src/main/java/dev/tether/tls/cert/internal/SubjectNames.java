package dev.tether.tls.cert.internal;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Collects subject attributes and encodes them in the conventional order (O, OU, CN). */
public final class SubjectNames {
    private String organization;
    private String organizationalUnit;
    private String commonName;

    public void commonName(String value) {
        this.commonName = check("commonName", value);
    }

    public void organization(String value) {
        this.organization = check("organization", value);
    }

    public void organizationalUnit(String value) {
        this.organizationalUnit = check("organizationalUnit", value);
    }

    public boolean isEmpty() {
        return commonName == null && organization == null && organizationalUnit == null;
    }

    public X500Name toX500Name() {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        add(builder, BCStyle.O, organization);
        add(builder, BCStyle.OU, organizationalUnit);
        add(builder, BCStyle.CN, commonName);
        return builder.build();
    }

    private static void add(X500NameBuilder builder, ASN1ObjectIdentifier type, String value) {
        if (value != null) {
            builder.addRDN(type, value);
        }
    }

    private static String check(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank: '" + value + "'");
        }
        // RFC 5280 upper bound for CN, O and OU; longer values make some TLS stacks reject the certificate.
        if (value.length() > 64) {
            throw new IllegalArgumentException(what + " must be at most 64 characters: " + value);
        }
        return value;
    }
}
