package repo.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way this library writes an output file: refuse what must not be replaced, write beside, rename into place.
 *
 * <ul>
 *   <li>A target that is a symbolic link, a device, a FIFO, a socket or a folder is refused with a
 *       {@link FileSystemException} naming it (never replaced by a regular file, never written through: a link is
 *       not followed, so {@code --out} pointing at {@code /dev/null} or at a link into another tree changes nothing).
 *   <li>The content goes to a temporary file in the target's own folder, is forced to disk, and is renamed over the
 *       target (atomically where the file system allows); on any failure the temporary file is removed.
 *   <li>{@link #checkOutputFolder} lets a command find an unusable output location before it spends time loading a
 *       model: it creates the folder if needed and creates and deletes a probe file in it.
 * </ul>
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /** Writes the bytes to {@code target} through a temporary sibling; see the class comment for what is refused. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes UTF-8 text to {@code target}; see {@link #write(Path, byte[])}. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Streams the content of one file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes streamed content to {@code target} through a temporary sibling. */
    public static void write(Path target, Content content) throws IOException {
        Path abs = target.toAbsolutePath();
        checkFileTarget(abs);
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = tempSibling(abs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            checkFileTarget(abs); // once more: it may have been swapped for a link while we wrote
            moveIntoPlace(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new empty temporary file beside the absolute path {@code target}, named {@code .NAME.DIGITS.tmp}: the name
     * {@link #removeStaleTemps} recognises. Every file writer renames such a sibling over its target.
     */
    public static Path tempSibling(Path target) throws IOException {
        return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
    }

    /**
     * Deletes what a writer killed mid-write left in {@code dir}: regular files named as {@link #tempSibling} names
     * them ({@code .NAME.DIGITS.tmp}). For a folder one process owns, such as a run folder on start.
     */
    public static void removeStaleTemps(Path dir) throws IOException {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().matches("\\..+\\.-?\\d+\\.tmp")
                        && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Renames a finished temporary file or folder over {@code target}, atomically where supported. */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Checks that {@code target} may be created or replaced by a regular file: absent, or a regular file that is not
     * a symbolic link.
     *
     * @throws FileSystemException naming the path and what it is
     */
    public static void checkFileTarget(Path target) throws IOException {
        BasicFileAttributes a = attributes(target);
        if (a == null || a.isRegularFile()) {
            return;
        }
        throw new FileSystemException(target.toString(), null, "is " + kind(a) + "; refusing to replace it with a regular "
                + "file (give the path of a regular file or of one to create)");
    }

    /**
     * Checks that {@code dir} may hold an output folder written by rename: absent, or a real folder (not a symbolic
     * link to one, not a file or device).
     */
    public static void checkFolderTarget(Path dir) throws IOException {
        BasicFileAttributes a = attributes(dir);
        if (a == null || a.isDirectory()) {
            return;
        }
        throw new FileSystemException(dir.toString(), null, "is " + kind(a) + "; refusing to replace it with a folder "
                + "(give the path of a folder or of one to create)");
    }

    /**
     * Checks, before any slow work, that an output file can be written at {@code file}: the target is acceptable
     * ({@link #checkFileTarget}) and its folder exists or can be created and accepts a new file.
     */
    public static void checkOutputFile(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        checkOutputFolder(abs.getParent());
        checkFileTarget(abs);
    }

    /**
     * Checks, before any slow work, that files can be created in {@code dir}: it is created if absent (with its
     * parents), must be a folder, and must accept a probe file, which is deleted at once.
     */
    public static void checkOutputFolder(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        for (Path p = abs; p != null; p = p.getParent()) { // the nearest existing ancestor must be a folder
            BasicFileAttributes a;
            try {
                a = attributes(p);
            } catch (FileSystemException e) {
                continue; // "Not a directory": an ancestor is a file, found further up
            }
            if (a != null) {
                if (!Files.isDirectory(p)) {
                    throw new FileSystemException(p.toString(), null, "is " + kind(a) + ", not a folder; cannot write "
                            + "output under it");
                }
                break;
            }
        }
        Files.createDirectories(abs);
        Path probe;
        try {
            probe = Files.createTempFile(abs, ".write-probe-", ".tmp");
        } catch (IOException e) {
            throw new FileSystemException(abs.toString(), null, "is not writable (" + e.getClass().getSimpleName()
                    + "); choose another output folder");
        }
        Files.deleteIfExists(probe);
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private static String kind(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a folder";
        }
        if (a.isRegularFile()) {
            return "a regular file";
        }
        return "a device, FIFO or socket";
    }
}
