package dev.tether.tls.internal;

import dev.tether.tls.TlsConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;

/** Opens PKCS#12 and JKS files with a message that names the file and the likely fix. */
final class Stores {
    private Stores() {
    }

    static KeyStore open(Path path, char[] password, String what) {
        if (!Files.isRegularFile(path)) {
            throw new TlsConfigException(what + " " + path + " does not exist or is not a regular file");
        }
        try {
            // Detects PKCS#12 and JKS from the file's contents.
            return KeyStore.getInstance(path.toFile(), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new TlsConfigException(what + " " + path + ": wrong password (or the file is damaged)", e);
            }
            throw new TlsConfigException("cannot read " + what + " " + path + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(what + " " + path + " is neither PKCS#12 nor JKS: " + e.getMessage(), e);
        }
    }
}
