package repo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;
import repo.trainer.common.Checkpoints;

/**
 * SIGTERM and SIGINT sent to a child {@code repo train}: the first finishes the step, writes a checkpoint and exits
 * 143/130, and the run resumes to the end; a second signal ends the process at once. Never an hs_err file.
 */
class SignalStopTest {
    @TempDir static Path tmp;
    static Path model, data;

    @BeforeAll
    static void setUp() throws IOException {
        model = tmp.resolve("tiny");
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 1, 0.02, false, SafetensorsWriter.Storage.F32);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add("{\"messages\": [{\"role\": \"user\", \"content\": \"Rate for night " + i + "?\"}, {\"role\": \"assistant\", "
                    + "\"content\": \"It is " + (500 + i) + " a night.\"}]}");
        }
        data = Files.write(tmp.resolve("sft.jsonl"), lines);
    }

    static Path config(String name) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), "algorithm: sft\nmodel: " + model + "\noutput: " + tmp.resolve(name)
                + "\nseed: 1\ndata: {train: " + data + "}\nlora: {r: 4, alpha: 8}\n"
                + "train: {batch_size: 2, max_steps: 100000, save_every: 100000, progress: false}\n");
    }

    static Process start(Path cfg, Path log, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--config", cfg.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the run has logged {@code steps} steps. */
    static void awaitSteps(Path run, int steps, Process p) throws Exception {
        Path metrics = run.resolve("metrics.jsonl");
        for (int i = 0; i < 1200 && p.isAlive(); i++) {
            if (Files.exists(metrics) && Files.readAllLines(metrics).size() >= steps) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the child did not log " + steps + " steps");
    }

    static void signal(Process p, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor()).isZero();
    }

    static List<Path> hsErrFiles() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList();
        }
    }

    @Test
    void sigtermFinishesTheStepCheckpointsAndTheRunResumes() throws Exception {
        Path cfg = config("term"), run = tmp.resolve("term"), log = tmp.resolve("term.log");
        Process p = start(cfg, log);
        awaitSteps(run, 2, p);
        signal(p, "TERM");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isEqualTo(143);
        assertThat(out).contains("SIGTERM received; finishing the current step").contains("stopped by SIGTERM after step");
        int stoppedAt = Checkpoints.latest(run).orElseThrow().step();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(stoppedAt);
        assertThat(run.resolve("final")).doesNotExist();
        assertThat(hsErrFiles()).isEmpty();

        // resume (a shorter run now: the change is named) and finish
        Process q = start(cfg, tmp.resolve("resume.log"), "--resume", "--set", "train.max_steps=" + (stoppedAt + 2),
                "--allow-config-change", "train.max_steps");
        assertThat(q.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).as(Files.readString(tmp.resolve("resume.log"))).isZero();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(stoppedAt + 2);
        assertThat(run.resolve("final/adapter/adapter_model.safetensors")).isRegularFile();
    }

    @Test
    void aSecondSigintEndsTheProcessAtOnceWithoutANativeCrash() throws Exception {
        Path cfg = config("int"), run = tmp.resolve("int"), log = tmp.resolve("int.log");
        Process p = start(cfg, log);
        awaitSteps(run, 1, p);
        signal(p, "INT");
        // the second signal counts as second once the first was seen (two back to back may arrive as one)
        for (int i = 0; i < 300 && !Files.readString(log).contains("SIGINT received"); i++) {
            Thread.sleep(100);
        }
        signal(p, "INT");
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(130);
        assertThat(hsErrFiles()).isEmpty();
        try (Stream<Path> s = Files.list(run)) {
            assertThat(s.map(f -> f.getFileName().toString())).doesNotContain("final");
        }
    }
}
