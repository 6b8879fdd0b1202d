package dev.tether.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest, and the Java runtime it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = TetherCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "tether " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
