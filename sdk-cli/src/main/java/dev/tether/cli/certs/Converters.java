package dev.tether.cli.certs;

import dev.tether.tls.cert.KeyPurpose;
import dev.tether.tls.cert.KeyType;
import dev.tether.tls.cert.SanType;
import dev.tether.tls.cert.SubjectAlternativeName;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option value converters; a bad value becomes a usage error (exit code 2) naming the value. */
final class Converters {
    private Converters() {
    }

    static final class KeyTypes implements ITypeConverter<KeyType>, Iterable<String> {
        @Override
        public KeyType convert(String value) {
            try {
                return KeyType.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        /** Completion candidates, shown in --help. */
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(KeyType.values()).map(KeyType::label).iterator();
        }
    }

    static final class Purposes implements ITypeConverter<KeyPurpose> {
        @Override
        public KeyPurpose convert(String value) {
            try {
                return KeyPurpose.fromLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SanTypes implements ITypeConverter<SanType> {
        @Override
        public SanType convert(String value) {
            try {
                return SanType.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown name kind: " + value + " (expected dns, ip, uri or email)");
            }
        }
    }

    abstract static class Sans implements ITypeConverter<SubjectAlternativeName> {
        @Override
        public SubjectAlternativeName convert(String value) {
            try {
                return make(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        abstract SubjectAlternativeName make(String value);
    }

    static final class Dns extends Sans {
        @Override
        SubjectAlternativeName make(String value) {
            return SubjectAlternativeName.dns(value);
        }
    }

    static final class Ip extends Sans {
        @Override
        SubjectAlternativeName make(String value) {
            return SubjectAlternativeName.ip(value);
        }
    }

    static final class Uri extends Sans {
        @Override
        SubjectAlternativeName make(String value) {
            return SubjectAlternativeName.uri(value);
        }
    }

    static final class AnySan extends Sans {
        @Override
        SubjectAlternativeName make(String value) {
            return SubjectAlternativeName.parse(value);
        }
    }
}
