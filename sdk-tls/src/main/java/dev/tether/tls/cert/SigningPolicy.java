package dev.tether.tls.cert;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a CA agrees to put into certificates it issues from signing requests: which kinds of subject
 * alternative name, which TLS purposes, and for how long. It never issues CA certificates from requests.
 *
 * <p>Defaults: DNS, IP and URI names; server and client authentication; at most 397 days (what public
 * clients accept for server certificates), with the default validity equal to the maximum.
 */
public final class SigningPolicy {
    /** The default maximum validity. */
    public static final Duration DEFAULT_MAX_VALIDITY = Duration.ofDays(397);

    private final Set<SanType> allowedNames;
    private final Set<KeyPurpose> allowedPurposes;
    private final Duration maxValidity;
    private final Duration defaultValidity;

    private SigningPolicy(Builder builder) {
        this.allowedNames = Collections.unmodifiableSet(EnumSet.copyOf(builder.allowedNames));
        this.allowedPurposes = Collections.unmodifiableSet(EnumSet.copyOf(builder.allowedPurposes));
        this.maxValidity = builder.maxValidity;
        this.defaultValidity = builder.defaultValidity != null ? builder.defaultValidity : builder.maxValidity;
    }

    /** The default policy. */
    public static SigningPolicy defaults() {
        return builder().build();
    }

    /** Starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** SAN kinds a request may carry; a request with any other kind is refused. */
    public Set<SanType> allowedNames() {
        return allowedNames;
    }

    /**
     * TLS purposes a request may ask for. A request asking for another is refused; a request asking for
     * none gets all of these.
     */
    public Set<KeyPurpose> allowedPurposes() {
        return allowedPurposes;
    }

    /** The longest validity issued; asking for more is refused. */
    public Duration maxValidity() {
        return maxValidity;
    }

    /** Validity when the signer does not specify one (shortened to the CA's own expiry if that is sooner). */
    public Duration defaultValidity() {
        return defaultValidity;
    }

    @Override
    public String toString() {
        return "SigningPolicy[names=" + allowedNames + ", purposes=" + allowedPurposes + ", maxValidity="
                + maxValidity + ", defaultValidity=" + defaultValidity + "]";
    }

    /** Builds a {@link SigningPolicy}; validated in {@link #build()}. */
    public static final class Builder {
        private Set<SanType> allowedNames = EnumSet.of(SanType.DNS, SanType.IP, SanType.URI);
        private Set<KeyPurpose> allowedPurposes = EnumSet.allOf(KeyPurpose.class);
        private Duration maxValidity = DEFAULT_MAX_VALIDITY;
        private Duration defaultValidity;

        private Builder() {
        }

        /** Replaces the allowed SAN kinds. */
        public Builder allowedNames(Set<SanType> types) {
            this.allowedNames = EnumSet.noneOf(SanType.class);
            this.allowedNames.addAll(Objects.requireNonNull(types, "types"));
            return this;
        }

        /** Replaces the allowed TLS purposes (must not end up empty). */
        public Builder allowedPurposes(Set<KeyPurpose> purposes) {
            this.allowedPurposes = EnumSet.noneOf(KeyPurpose.class);
            this.allowedPurposes.addAll(Objects.requireNonNull(purposes, "purposes"));
            return this;
        }

        /** The longest validity that will be issued. */
        public Builder maxValidity(Duration max) {
            this.maxValidity = Objects.requireNonNull(max, "maxValidity");
            return this;
        }

        /** The validity issued when the signer does not ask for one (default: the maximum). */
        public Builder defaultValidity(Duration validity) {
            this.defaultValidity = Objects.requireNonNull(validity, "defaultValidity");
            return this;
        }

        /** Validates and builds. */
        public SigningPolicy build() {
            if (maxValidity.isNegative() || maxValidity.isZero()) {
                throw new IllegalArgumentException("maxValidity must be positive: " + maxValidity);
            }
            if (defaultValidity != null && (defaultValidity.isNegative() || defaultValidity.isZero())) {
                throw new IllegalArgumentException("defaultValidity must be positive: " + defaultValidity);
            }
            if (defaultValidity != null && defaultValidity.compareTo(maxValidity) > 0) {
                throw new IllegalArgumentException("defaultValidity " + defaultValidity
                        + " must not exceed maxValidity " + maxValidity);
            }
            if (allowedPurposes.isEmpty()) {
                throw new IllegalArgumentException("allowedPurposes must not be empty");
            }
            return new SigningPolicy(this);
        }
    }
}
