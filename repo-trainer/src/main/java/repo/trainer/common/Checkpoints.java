package repo.trainer.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Crash-safe training checkpoints under {@code runDir/checkpoints/}.
 *
 * <p>A checkpoint is a folder {@code step-000120/} holding whatever the trainer writes (adapters, heads, optimizer
 * state, {@link TrainerState#FILE}) and, written last, a small {@link #COMPLETE} marker. {@link #save} lets the
 * {@link Writer} fill {@code .tmp-step-000120-<uuid>/}, fsyncs every file and folder, writes the marker and renames
 * the folder into place with {@code ATOMIC_MOVE}, so a crash at any moment leaves either the whole new checkpoint or
 * none of it. Afterwards the oldest complete checkpoints beyond {@code keepLast} are removed (marker first, so a crash
 * while deleting leaves a folder that is ignored).
 *
 * <p>Readers trust only folders named {@code step-NNNNNN} that hold the marker; temporary folders and folders without
 * the marker are never returned, and {@link #resume(Path)} deletes them.
 */
public final class Checkpoints {

    /** The folder under the run directory that holds the checkpoints. */
    public static final String FOLDER = "checkpoints";
    /** The marker file written last into every complete checkpoint. */
    public static final String COMPLETE = "COMPLETE";

    private static final String TMP_PREFIX = ".tmp-";
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{6,})");

    /** Writes the content of a checkpoint into a fresh, empty folder. */
    @FunctionalInterface
    public interface Writer {
        /** Writes every file of the checkpoint into {@code dir}; files may be left unflushed, save() syncs them. */
        void write(Path dir) throws IOException;
    }

    /**
     * A complete checkpoint.
     *
     * @param step the optimizer step it was taken after
     * @param dir its folder
     */
    public record Checkpoint(int step, Path dir) {
        /** A file of the checkpoint. */
        public Path resolve(String name) {
            return dir.resolve(name);
        }
    }

    private final int keepLast;

    /**
     * Keeps at most {@code keepLast} complete checkpoints.
     *
     * @throws IllegalArgumentException if {@code keepLast < 1}
     */
    public Checkpoints(int keepLast) {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast is " + keepLast + ": expected >= 1");
        }
        this.keepLast = keepLast;
    }

    /** How many complete checkpoints are kept. */
    public int keepLast() {
        return keepLast;
    }

    /** The folder name of step {@code step}: {@code step-000120}. */
    public static String folderName(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step is " + step + ": expected >= 0");
        }
        return String.format("step-%06d", step);
    }

    /**
     * Writes the checkpoint of {@code step} atomically and prunes old ones.
     *
     * @return the new checkpoint
     * @throws IllegalStateException if a complete checkpoint of that step already exists
     * @throws IOException if the writer or the file system fails; the temporary folder is then removed and the
     *     previous checkpoints are untouched
     */
    public Checkpoint save(Path runDir, int step, Writer writer) throws IOException {
        String name = folderName(step);
        Path root = Files.createDirectories(runDir.resolve(FOLDER));
        Path target = root.resolve(name);
        if (Files.exists(target)) {
            if (Files.exists(target.resolve(COMPLETE))) {
                throw new IllegalStateException(target + " already exists: expected each step to be saved once");
            }
            deleteTree(target); // left by an interrupted prune or by hand, never trusted
        }
        Path tmp = root.resolve(TMP_PREFIX + name + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writer.write(tmp);
            syncTree(tmp);
            Files.writeString(tmp.resolve(COMPLETE), "step " + step + "\n", StandardCharsets.UTF_8);
            fsync(tmp.resolve(COMPLETE), false);
            fsync(tmp, true);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(root, true);
        } catch (IOException | RuntimeException | Error e) {
            try {
                deleteTree(tmp);
            } catch (IOException | UncheckedIOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        prune(root);
        return new Checkpoint(step, target);
    }

    /**
     * Writes a folder that is not a step checkpoint (such as a run's {@code final/}) the same safe way: into a
     * temporary sibling first, then renamed into place; an existing folder is replaced only once the new one is
     * complete.
     */
    public static void replaceFolder(Path target, Writer writer) throws IOException {
        repo.core.io.SafeFiles.checkFolderTarget(target); // a symbolic link or a device is never replaced
        Path parent = Files.createDirectories(target.toAbsolutePath().getParent());
        Path tmp = parent.resolve(TMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writer.write(tmp);
            syncTree(tmp);
            Path old = parent.resolve(TMP_PREFIX + target.getFileName() + "-old-" + UUID.randomUUID());
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            fsync(parent, true);
            deleteTree(old);
        } catch (IOException | RuntimeException | Error e) {
            try {
                deleteTree(tmp);
            } catch (IOException | UncheckedIOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Removes the oldest complete checkpoints beyond {@code keepLast}. */
    private void prune(Path root) throws IOException {
        List<Checkpoint> all = list(root.getParent());
        for (int i = 0; i < all.size() - keepLast; i++) {
            Path dir = all.get(i).dir();
            Files.delete(dir.resolve(COMPLETE));
            fsync(dir, true);
            deleteTree(dir);
        }
    }

    /**
     * Every complete checkpoint of the run, oldest first (empty if there is none or no checkpoint folder).
     */
    public static List<Checkpoint> list(Path runDir) throws IOException {
        Path root = runDir.resolve(FOLDER);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Checkpoint> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : (Iterable<Path>) children::iterator) {
                Matcher m = STEP_DIR.matcher(child.getFileName().toString());
                if (m.matches() && Files.isDirectory(child) && Files.isRegularFile(child.resolve(COMPLETE))) {
                    out.add(new Checkpoint(Integer.parseInt(m.group(1)), child));
                }
            }
        }
        out.sort(Comparator.comparingInt(Checkpoint::step));
        return List.copyOf(out);
    }

    /**
     * The newest complete checkpoint, ignoring temporary folders and folders without {@link #COMPLETE}; changes
     * nothing on disk.
     */
    public static Optional<Checkpoint> latest(Path runDir) throws IOException {
        List<Checkpoint> all = list(runDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Prepares a run directory for resuming: deletes the temporary folders and the incomplete step folders that a
     * crash left behind, then returns {@link #latest(Path)}. Call it only when no other process writes to the run.
     */
    public static Optional<Checkpoint> resume(Path runDir) throws IOException {
        if (Files.isDirectory(runDir)) { // a kill during the write of final/ leaves .tmp-final-* beside it
            try (Stream<Path> children = Files.list(runDir)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    if (child.getFileName().toString().startsWith(TMP_PREFIX) && Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        deleteTree(child);
                    }
                }
            }
        }
        Path root = runDir.resolve(FOLDER);
        if (Files.isDirectory(root)) {
            try (Stream<Path> children = Files.list(root)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    String name = child.getFileName().toString();
                    boolean stale = name.startsWith(TMP_PREFIX)
                            || (STEP_DIR.matcher(name).matches() && !Files.exists(child.resolve(COMPLETE)));
                    if (stale && Files.isDirectory(child)) {
                        deleteTree(child);
                    }
                }
            }
        }
        return latest(runDir);
    }

    private static void syncTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    fsync(file, false);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                fsync(d, true);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Forces a file's or folder's content to disk; folders cannot be opened on every OS, so failures there pass. */
    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
        }
    }

    /** Deletes {@code dir} and everything under it, links as links (never followed); absent is fine. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
