package dev.tether.tls.cert.internal;

import dev.tether.tls.cert.SanType;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** Validation and conversion of subject alternative names. */
public final class Names {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");

    private Names() {
    }

    public static SanType guessType(String text) {
        String t = text.trim();
        if (IPV4.matcher(t).matches() || (t.indexOf(':') >= 0 && !t.contains("://") && isIpv6(t))) {
            return SanType.IP;
        }
        if (URI_SCHEME.matcher(t).matches() && !t.contains("@") || t.contains("://")) {
            return SanType.URI;
        }
        if (t.indexOf('@') > 0) {
            return SanType.EMAIL;
        }
        return SanType.DNS;
    }

    public static String canonical(SanType type, String value) {
        String v = value.trim();
        switch (type) {
            case DNS:
                return dns(v);
            case IP:
                return InetAddresses.toText(ipBytes(v));
            case URI:
                return uri(v);
            case EMAIL:
                if (v.indexOf('@') <= 0 || v.indexOf('@') == v.length() - 1 || v.chars().anyMatch(c -> c > 127
                        || Character.isWhitespace(c))) {
                    throw new IllegalArgumentException("invalid e-mail address: " + value);
                }
                return v;
            default:
                throw new IllegalArgumentException("unsupported SAN type " + type);
        }
    }

    private static String dns(String value) {
        String name = value.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > 253) {
            throw new IllegalArgumentException("invalid DNS name (must be 1 to 253 characters): " + value);
        }
        if (name.chars().anyMatch(c -> c > 127)) {
            throw new IllegalArgumentException("invalid DNS name (non-ASCII; use its punycode xn-- form): " + value);
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            boolean wildcard = i == 0 && labels[i].equals("*") && labels.length > 2;
            if (!wildcard && !DNS_LABEL.matcher(labels[i]).matches()) {
                throw new IllegalArgumentException("invalid DNS name (bad label '" + labels[i]
                        + "'; a wildcard is only allowed as the whole leftmost label of a name with 3+ labels): "
                        + value);
            }
        }
        return name;
    }

    private static String uri(String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null) {
                throw new IllegalArgumentException("invalid URI (no scheme, e.g. spiffe://domain/path): " + value);
            }
            return uri.toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URI: " + value + " (" + e.getReason() + ")", e);
        }
    }

    private static boolean isIpv6(String text) {
        try {
            ipBytes(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The address bytes of an IP literal, without any name lookup. */
    public static byte[] ipBytes(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (IPV4.matcher(t).matches()) {
            String[] parts = t.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return bytes;
        }
        if (t.indexOf(':') >= 0 && t.indexOf('%') < 0 && t.matches("[0-9A-Fa-f:.]+")) {
            try {
                // Only reached for text made of hex digits, colons and dots, which getByName parses without DNS.
                byte[] raw = InetAddress.getByName(t).getAddress();
                return raw.length == 16 ? raw : ipv4Mapped(raw);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("invalid IP address: " + text, e);
            }
        }
        throw new IllegalArgumentException("invalid IP address (expected an IPv4 or IPv6 literal): " + text);
    }

    private static byte[] ipv4Mapped(byte[] v4) {
        // The JDK collapses ::ffff:a.b.c.d to an IPv4 address; a certificate should say what was asked for.
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    public static GeneralName toGeneralName(SubjectAlternativeName san) {
        switch (san.type()) {
            case DNS:
                return new GeneralName(GeneralName.dNSName, san.value());
            case IP:
                return new GeneralName(GeneralName.iPAddress, new org.bouncycastle.asn1.DEROctetString(
                        ipBytes(san.value())));
            case URI:
                return new GeneralName(GeneralName.uniformResourceIdentifier, san.value());
            case EMAIL:
                return new GeneralName(GeneralName.rfc822Name, san.value());
            default:
                throw new IllegalArgumentException("unsupported SAN type " + san.type());
        }
    }

    public static GeneralNames toGeneralNames(List<SubjectAlternativeName> sans) {
        return new GeneralNames(sans.stream().map(Names::toGeneralName).toArray(GeneralName[]::new));
    }

    /**
     * The SANs in {@code names} that Tether understands; other kinds (directoryName, otherName...) are
     * reported through {@code unsupported}.
     */
    public static List<SubjectAlternativeName> fromGeneralNames(GeneralNames names, List<String> unsupported) {
        List<SubjectAlternativeName> result = new ArrayList<>();
        for (GeneralName name : names.getNames()) {
            switch (name.getTagNo()) {
                case GeneralName.dNSName:
                    result.add(SubjectAlternativeName.dns(ASN1IA5String.getInstance(name.getName()).getString()));
                    break;
                case GeneralName.iPAddress:
                    byte[] bytes = ASN1OctetString.getInstance(name.getName()).getOctets();
                    if (bytes.length != 4 && bytes.length != 16) {
                        unsupported.add("iPAddress of " + bytes.length + " bytes");
                    } else {
                        result.add(SubjectAlternativeName.ip(InetAddresses.toText(bytes)));
                    }
                    break;
                case GeneralName.uniformResourceIdentifier:
                    result.add(SubjectAlternativeName.uri(ASN1IA5String.getInstance(name.getName()).getString()));
                    break;
                case GeneralName.rfc822Name:
                    result.add(SubjectAlternativeName.email(ASN1IA5String.getInstance(name.getName()).getString()));
                    break;
                default:
                    unsupported.add(tagName(name.getTagNo()));
            }
        }
        return result;
    }

    private static String tagName(int tag) {
        switch (tag) {
            case GeneralName.otherName:
                return "otherName";
            case GeneralName.x400Address:
                return "x400Address";
            case GeneralName.directoryName:
                return "directoryName";
            case GeneralName.ediPartyName:
                return "ediPartyName";
            case GeneralName.registeredID:
                return "registeredID";
            default:
                return "tag " + tag;
        }
    }
}
