package dev.tether.tls.cert.internal;

import dev.tether.tls.cert.ExistingFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a file so that readers see either the old content or the complete new content: the bytes go to a
 * temporary file in the same directory, are forced to disk, and the temporary file is then linked or
 * renamed into place. Secret files are created with mode 0600 from the start (never chmod-ed afterwards,
 * which would leave a window where the key is readable).
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

    /** Whether the content must be readable by its owner only. */
    public enum Visibility {
        /** Mode 0644 on POSIX (further reduced by the umask): certificates, CSRs. */
        PUBLIC,
        /** Mode 0600 on POSIX: private keys, key stores. */
        SECRET
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to {@code target}, creating parent directories as needed.
     *
     * @throws FileAlreadyExistsException if the target exists and {@code existing} is {@link ExistingFile#FAIL}
     */
    public static void write(Path target, byte[] content, Visibility visibility, ExistingFile existing)
            throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(existing, "existing");
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (existing == ExistingFile.FAIL && Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyExists(target);
        }
        Files.createDirectories(dir);
        Path tmp = createTemp(dir, absolute.getFileName().toString(), visibility);
        boolean placed = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (existing == ExistingFile.FAIL) {
                placeWithoutReplacing(tmp, absolute, target);
            } else {
                moveReplacing(tmp, absolute);
                placed = true;
            }
        } finally {
            if (!placed) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static Path createTemp(Path dir, String name, Visibility visibility) throws IOException {
        FileSystem fs = dir.getFileSystem();
        String prefix = "." + name + ".";
        if (fs.supportedFileAttributeViews().contains("posix")) {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(
                    visibility == Visibility.SECRET ? SECRET : PUBLIC);
            return Files.createTempFile(dir, prefix, ".tmp", mode);
        }
        return Files.createTempFile(dir, prefix, ".tmp");
    }

    /* A hard link fails atomically when the target exists, which a check-then-rename cannot guarantee. */
    private static void placeWithoutReplacing(Path tmp, Path absolute, Path shownName) throws IOException {
        try {
            Files.createLink(absolute, tmp);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(shownName);
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw alreadyExists(shownName);
            }
            // File systems without hard links: a plain move still refuses an existing target.
            Files.move(tmp, absolute);
        }
    }

    private static void moveReplacing(Path tmp, Path absolute) throws IOException {
        try {
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static FileAlreadyExistsException alreadyExists(Path target) {
        return new FileAlreadyExistsException(target.toString(), null,
                "refusing to overwrite an existing file (ask explicitly to replace it)");
    }
}
