package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.common.Checkpoints.Checkpoint;

class CheckpointsTest {

    @TempDir
    Path run;

    private static Checkpoints.Writer writing(String text) {
        return dir -> Files.writeString(dir.resolve("adapter.txt"), text);
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(run.resolve(Checkpoints.FOLDER))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesIntoAStepFolderWithTheMarkerAndFindsTheLatest() throws IOException {
        assertThat(Checkpoints.latest(run)).isEmpty();

        Checkpoint first = new Checkpoints(5).save(run, 120, writing("a"));
        Checkpoint second = new Checkpoints(5).save(run, 1500, writing("b"));

        assertThat(first.dir()).isEqualTo(run.resolve("checkpoints/step-000120"));
        assertThat(Files.readString(first.resolve(Checkpoints.COMPLETE))).isEqualTo("step 120\n");
        assertThat(Files.readString(second.resolve("adapter.txt"))).isEqualTo("b");
        assertThat(Checkpoints.latest(run)).contains(second);
        assertThat(Checkpoints.list(run)).containsExactly(first, second);
        assertThat(entries()).containsExactly("step-000120", "step-001500");
    }

    @Test
    void aWriterThatThrowsLeavesThePreviousCheckpointAndNoHalfOne() throws IOException {
        Checkpoints checkpoints = new Checkpoints(3);
        Checkpoint good = checkpoints.save(run, 10, writing("good"));

        assertThatThrownBy(() -> checkpoints.save(run, 20, dir -> {
            Files.writeString(dir.resolve("adapter.txt"), "half");
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> checkpoints.save(run, 20, dir -> {
            throw new IllegalStateException("NaN loss");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(Checkpoints.latest(run)).contains(good);
        assertThat(entries()).containsExactly("step-000010");
        assertThat(Files.readString(good.resolve("adapter.txt"))).isEqualTo("good");
        // and the step can be saved once the problem is gone
        assertThat(checkpoints.save(run, 20, writing("ok")).step()).isEqualTo(20);
    }

    @Test
    void prunesToTheLastKeepLastCompleteCheckpoints() throws IOException {
        Checkpoints checkpoints = new Checkpoints(2);
        for (int step = 1; step <= 5; step++) {
            checkpoints.save(run, step * 10, writing("s" + step));
        }
        assertThat(entries()).containsExactly("step-000040", "step-000050");
        assertThat(Checkpoints.list(run)).extracting(Checkpoint::step).containsExactly(40, 50);
    }

    @Test
    void latestIgnoresTempAndUnmarkedFoldersAndResumeDeletesThem() throws IOException {
        Checkpoint good = new Checkpoints(3).save(run, 5, writing("x"));
        Path root = run.resolve(Checkpoints.FOLDER);
        Files.createDirectories(root.resolve(".tmp-step-000009-abc"));
        Files.writeString(root.resolve(".tmp-step-000009-abc/COMPLETE"), "step 9\n"); // renamed never happened
        Files.createDirectories(root.resolve("step-000007"));                           // no marker
        Files.writeString(root.resolve("step-000007/adapter.txt"), "partial");
        Files.createDirectories(root.resolve("notes"));                                 // not ours: left alone

        assertThat(Checkpoints.latest(run)).contains(good);
        assertThat(entries()).contains(".tmp-step-000009-abc", "step-000007");

        assertThat(Checkpoints.resume(run)).contains(good);
        assertThat(entries()).containsExactly("notes", "step-000005");
    }

    @Test
    void savingAStepTwiceIsRefusedButAnUnmarkedLeftoverIsReplaced() throws IOException {
        Checkpoints checkpoints = new Checkpoints(3);
        checkpoints.save(run, 3, writing("x"));
        assertThatThrownBy(() -> checkpoints.save(run, 3, writing("y")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("step-000003 already exists");

        Path leftover = Files.createDirectories(run.resolve("checkpoints/step-000004"));
        Files.writeString(leftover.resolve("junk"), "j");
        Checkpoint four = checkpoints.save(run, 4, writing("z"));
        assertThat(Files.exists(four.resolve("junk"))).isFalse();
        assertThat(Files.readString(four.resolve("adapter.txt"))).isEqualTo("z");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new Checkpoints(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checkpoints.folderName(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Checkpoints.folderName(1234567)).isEqualTo("step-1234567");
    }
}
