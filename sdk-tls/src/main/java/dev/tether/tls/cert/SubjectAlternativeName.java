package dev.tether.tls.cert;

import dev.tether.tls.cert.internal.Names;
import java.util.Objects;

/**
 * One subject alternative name: a type and its value in canonical text form (IPv6 addresses compressed,
 * DNS names lower-cased).
 *
 * @param type  the kind of name
 * @param value the name's text
 */
public record SubjectAlternativeName(SanType type, String value) {
    /** Validates and canonicalises the name; an invalid value fails with a message naming it. */
    public SubjectAlternativeName {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        value = Names.canonical(type, value);
    }

    /** A DNS name. */
    public static SubjectAlternativeName dns(String name) {
        return new SubjectAlternativeName(SanType.DNS, name);
    }

    /** An IP address literal (IPv4 dotted quad or IPv6); never resolved through DNS. */
    public static SubjectAlternativeName ip(String address) {
        return new SubjectAlternativeName(SanType.IP, address);
    }

    /** A URI such as {@code spiffe://example.org/service}. */
    public static SubjectAlternativeName uri(String uri) {
        return new SubjectAlternativeName(SanType.URI, uri);
    }

    /** An e-mail address. */
    public static SubjectAlternativeName email(String address) {
        return new SubjectAlternativeName(SanType.EMAIL, address);
    }

    /**
     * Guesses the type from the text: an IP literal is {@link SanType#IP}, {@code scheme://...} is
     * {@link SanType#URI}, {@code a@b} is {@link SanType#EMAIL}, anything else {@link SanType#DNS}.
     */
    public static SubjectAlternativeName parse(String text) {
        return new SubjectAlternativeName(Names.guessType(text), text);
    }

    /** Prefixed form, as OpenSSL prints it: {@code DNS:localhost}, {@code IP:::1}, {@code URI:spiffe://x}. */
    @Override
    public String toString() {
        String prefix = type == SanType.IP ? "IP Address" : type == SanType.EMAIL ? "email" : type.name();
        return prefix + ":" + value;
    }
}
