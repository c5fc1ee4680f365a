package repo.trainer.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.common.Checkpoints.Checkpoint;

/** Kills a real JVM while it writes a checkpoint and checks that resuming sees only complete checkpoints. */
class CheckpointsKillTest {

    @TempDir
    Path work;

    @Test
    void aProcessKilledMidWriteLeavesTheLastCompleteCheckpointAsLatest() throws Exception {
        Path run = work.resolve("run");
        Path log = work.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CheckpointWriterMain.class.getName(), run.toString(), "40")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        List<String> tmpSeen;
        try {
            tmpSeen = waitForAWriteInProgressAfterTwoCheckpoints(run, child, log);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child exits after the kill").isTrue();
        } finally {
            child.destroyForcibly();
        }

        Path root = run.resolve(Checkpoints.FOLDER);
        List<String> left = names(root);
        assertThat(left.stream().filter(n -> n.startsWith(".tmp-"))).as("the half-written folder is still there: %s",
                left).isNotEmpty();
        int newestComplete = left.stream().filter(n -> n.matches("step-\\d+"))
                .filter(n -> Files.exists(root.resolve(n).resolve(Checkpoints.COMPLETE)))
                .mapToInt(n -> Integer.parseInt(n.substring(5))).max().orElseThrow();
        int inProgress = Integer.parseInt(tmpSeen.get(0).substring(".tmp-step-".length(), ".tmp-step-".length() + 6));

        Checkpoint latest = Checkpoints.latest(run).orElseThrow();
        assertThat(latest.step()).isEqualTo(newestComplete).isLessThan(inProgress).isGreaterThanOrEqualTo(2);
        assertThat(latest.dir().getFileName().toString()).doesNotStartWith(".tmp-");
        assertIntact(latest);

        Checkpoint resumed = Checkpoints.resume(run).orElseThrow();
        assertThat(resumed).isEqualTo(latest);
        assertThat(names(root)).noneMatch(n -> n.startsWith(".tmp-"));
        assertIntact(resumed);
    }

    /** Polls until two checkpoints are complete and the next one's temporary folder exists. */
    private static List<String> waitForAWriteInProgressAfterTwoCheckpoints(Path run, Process child, Path log)
            throws IOException, InterruptedException {
        Path root = run.resolve(Checkpoints.FOLDER);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                fail("child exited early with " + child.exitValue() + ":\n" + Files.readString(log));
            }
            if (Files.isDirectory(root) && Checkpoints.list(run).size() >= 2) {
                List<String> tmp = names(root).stream().filter(n -> n.startsWith(".tmp-")).toList();
                if (!tmp.isEmpty() && Files.exists(root.resolve(tmp.get(0)).resolve("payload.bin"))) {
                    return tmp;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no checkpoint write in progress within 60 s:\n" + Files.readString(log));
    }

    private static void assertIntact(Checkpoint checkpoint) throws IOException {
        assertThat(checkpoint.resolve(Checkpoints.COMPLETE)).exists();
        byte[] payload = Files.readAllBytes(checkpoint.resolve("payload.bin"));
        assertThat(payload).hasSize(CheckpointWriterMain.CHUNKS * CheckpointWriterMain.CHUNK);
        byte expected = (byte) (checkpoint.step() % 251);
        for (byte b : payload) {
            if (b != expected) {
                fail("payload of step " + checkpoint.step() + " holds byte " + b + ", expected " + expected);
            }
        }
        TrainerState state = TrainerState.read(checkpoint.dir());
        assertThat(state.step()).isEqualTo(checkpoint.step());
        assertThat(state.dataIndex()).isEqualTo(checkpoint.step());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
