package dev.tether.cli.certs;

import dev.tether.cli.internal.UsageException;

/** Checks on file base names given with --name. */
final class Names {
    private Names() {
    }

    static void checkBaseName(String name) {
        if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
            throw new UsageException("--name must be a plain file name of letters, digits, '.', '_' or '-': " + name);
        }
    }
}
