package dev.tether.tls.cert;

/**
 * What a writer does when the target file already exists. Refusing is the default everywhere, so that
 * regenerating material never silently destroys a key someone still depends on.
 */
public enum ExistingFile {
    /** Fail with {@link java.nio.file.FileAlreadyExistsException}, leaving the existing file untouched. */
    FAIL,
    /** Replace the existing file atomically (readers see the old or the new content, never a mix). */
    REPLACE
}
