package dev.tether.spring.boot;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one of Tether's builder steps for a property, so that a value Tether rejects fails startup as a
 * {@link TetherClientConfigurationException} naming that property (Tether's own message names the value).
 */
final class PropertyChecks {

    private PropertyChecks() {
    }

    /**
     * The step's result; a rejection becomes a {@link TetherClientConfigurationException} for {@code property}
     * with {@code action} (or none) as the fix.
     */
    static <T> T check(String property, Supplier<T> step, String action) {
        try {
            return step.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Tether's builders reject bad values with these (TlsConfigException is an IllegalArgumentException).
            throw new TetherClientConfigurationException(property, e.getMessage(), action, e);
        }
    }

    /** Sets {@code value} unless it is unset (null); a rejection names {@code property}. */
    static <T> void setChecked(String property, T value, Consumer<T> setter) {
        if (value != null) {
            check(property, () -> {
                setter.accept(value);
                return null;
            }, null);
        }
    }
}
