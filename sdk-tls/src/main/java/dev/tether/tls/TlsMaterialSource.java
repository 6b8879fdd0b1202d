package dev.tether.tls;

import java.util.Objects;

/**
 * Supplies the {@link TlsConfig} new connections are made with, and a generation number that rises each
 * time the material changes. A fixed config ({@link #of(TlsConfig)}) stays at generation 1; a
 * {@link ReloadingTlsConfig} moves on when watched files change, and pools retire connections made with an
 * older generation.
 */
public interface TlsMaterialSource {

    /** The config and generation to use for the next connection, read together so they always agree. */
    Snapshot current();

    /** The current generation. */
    default long generation() {
        return current().generation();
    }

    /** A source that always returns {@code config}, at generation 1. */
    static TlsMaterialSource of(TlsConfig config) {
        Snapshot fixed = new Snapshot(Objects.requireNonNull(config, "config"), 1);
        return () -> fixed;
    }

    /**
     * One version of the material.
     *
     * @param config the settings and loaded keys and trust
     * @param generation 1 for the first version, rising by one for each reload that took effect
     */
    record Snapshot(TlsConfig config, long generation) {
        public Snapshot {
            Objects.requireNonNull(config, "config");
            if (generation < 1) {
                throw new IllegalArgumentException("generation must be at least 1: " + generation);
            }
        }
    }
}
