package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;

/** Checks on option values that picocli's converters cannot express. */
final class Validation {
    private Validation() {
    }

    static void positiveDays(String option, int days) {
        if (days <= 0) {
            throw new UsageException(option + " must be a positive number of days: " + days);
        }
    }

    /** The local user's name for the CA's subject, so several developers' CAs can be told apart. */
    static String userName() {
        String name = System.getProperty("user.name", "developer").replaceAll("[^A-Za-z0-9._@-]", "");
        if (name.isEmpty()) {
            name = "developer";
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
