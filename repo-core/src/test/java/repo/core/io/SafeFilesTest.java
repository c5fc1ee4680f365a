package repo.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeFiles}: links, FIFOs (standing in for device nodes such as /dev/null, which a test must never touch)
 * and folders are refused and left as they were; a failed write leaves no temporary file and the old content.
 */
class SafeFilesTest {
    @TempDir Path tmp;

    static Path fifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).isZero();
        assertThat(Files.isRegularFile(p)).isFalse();
        return p;
    }

    private long entries() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.count();
        }
    }

    @Test
    void writesAndReplacesRegularFilesLeavingNoTemporaryFile() throws Exception {
        Path f = tmp.resolve("sub/out.jsonl");
        SafeFiles.writeString(f, "one\n");
        SafeFiles.writeString(f, "two\n");
        assertThat(Files.readString(f)).isEqualTo("two\n");
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out.jsonl");
        }
    }

    @Test
    void aSymbolicLinkIsRefusedAndNeitherItNorItsTargetChanges() throws Exception {
        Path real = Files.writeString(tmp.resolve("precious.txt"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("out.jsonl"), real);
        assertThatThrownBy(() -> SafeFiles.writeString(link, "x")).isInstanceOf(FileSystemException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("is a symbolic link; refusing to replace it");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("keep");
        assertThatThrownBy(() -> SafeFiles.checkOutputFile(link)).hasMessageContaining("symbolic link");
        // a dangling link too
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertThatThrownBy(() -> SafeFiles.writeString(dangling, "x")).hasMessageContaining("symbolic link");
        assertThat(Files.exists(tmp.resolve("nowhere"))).isFalse();
        assertThat(entries()).isEqualTo(3);
    }

    @Test
    void aFifoOrAFolderIsRefusedWithoutBlocking() throws Exception {
        Path pipe = fifo(tmp.resolve("pipe"));
        assertThatThrownBy(() -> SafeFiles.writeString(pipe, "x")).hasMessageContaining("a device, FIFO or socket");
        assertThatThrownBy(() -> SafeFiles.checkOutputFile(pipe)).hasMessageContaining("a device, FIFO or socket");
        assertThat(Files.isRegularFile(pipe, LinkOption.NOFOLLOW_LINKS)).isFalse(); // still a FIFO
        Path dir = Files.createDirectory(tmp.resolve("d"));
        assertThatThrownBy(() -> SafeFiles.writeString(dir, "x")).hasMessageContaining("is a folder");
        assertThatThrownBy(() -> SafeFiles.checkFolderTarget(pipe)).hasMessageContaining("refusing to replace it with a folder");
        Path dirLink = Files.createSymbolicLink(tmp.resolve("dlink"), dir);
        assertThatThrownBy(() -> SafeFiles.checkFolderTarget(dirLink)).hasMessageContaining("symbolic link");
        SafeFiles.checkFolderTarget(dir);
        SafeFiles.checkFolderTarget(tmp.resolve("new"));
        assertThat(entries()).isEqualTo(3);
    }

    @Test
    void aFailedWriteKeepsTheOldContentAndRemovesItsTemporaryFile() throws Exception {
        Path f = Files.writeString(tmp.resolve("out.txt"), "old");
        assertThatThrownBy(() -> SafeFiles.write(f, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThat(entries()).isEqualTo(1);
    }

    @Test
    void anOutputFolderUnderAFileOrAFifoIsFoundBeforeAnyWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> SafeFiles.checkOutputFolder(file.resolve("run"))).hasMessageContaining(file + ": is a regular file, not a folder");
        assertThatThrownBy(() -> SafeFiles.checkOutputFile(file.resolve("out.jsonl"))).hasMessageContaining("not a folder");
        Path pipe = fifo(tmp.resolve("pipe"));
        assertThatThrownBy(() -> SafeFiles.checkOutputFolder(pipe)).hasMessageContaining("not a folder");
        SafeFiles.checkOutputFolder(tmp.resolve("a/b"));
        assertThat(Files.isDirectory(tmp.resolve("a/b"))).isTrue();
        try (Stream<Path> s = Files.list(tmp.resolve("a/b"))) {
            assertThat(s.count()).isZero(); // the probe is gone
        }
    }

    @Test
    void checkpointAndSafetensorsWritersRefuseLinksToo() throws Exception {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("ckpt"), real);
        assertThatThrownBy(() -> HfCheckpoint.checkWritable(link, "a checkpoint")).hasMessageContaining("symbolic link");
        Path fileLink = Files.createSymbolicLink(tmp.resolve("w.safetensors"), Files.writeString(tmp.resolve("t"), "keep"));
        assertThatThrownBy(() -> SafetensorsWriter.write(fileLink, java.util.Map.of(), java.util.Map.of(),
                SafetensorsWriter.Storage.F32)).hasMessageContaining("symbolic link");
        assertThat(Files.readString(tmp.resolve("t"))).isEqualTo("keep");
    }
}
