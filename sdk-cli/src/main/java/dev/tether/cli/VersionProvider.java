package dev.tether.cli;

import dev.tether.tls.TlsConfig;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.List;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;

/** Reports the version from the jar manifest, the Java runtime it runs on, and the TLS provider it uses. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = TetherCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "tether " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            tlsProvider()
        };
    }

    /** The JSSE provider behind Tether's TLS engines and the protocols it supports. */
    static String tlsProvider() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            Provider p = context.getProvider();
            List<String> supported = List.of(context.getSupportedSSLParameters().getProtocols());
            List<String> enabled = TlsConfig.SUPPORTED_PROTOCOLS.stream().filter(supported::contains).toList();
            return "TLS provider " + p.getName() + " " + p.getVersionStr() + "; Tether enables "
                    + String.join(", ", enabled);
        } catch (GeneralSecurityException e) {
            return "TLS provider unavailable: " + e.getMessage();
        }
    }
}
