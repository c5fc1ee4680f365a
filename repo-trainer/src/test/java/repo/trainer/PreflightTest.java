package repo.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.TrainerState;
import repo.trainer.config.TrainConfig;

/**
 * Files, output folder and resume are checked before a model or data set is read, and nothing is created. The model
 * folder here holds a config.json that is not JSON: had a run got as far as loading it, the error would be about that
 * file instead of the expected message.
 */
class PreflightTest {
    @TempDir Path tmp;
    Path model, data, out;

    @BeforeEach
    void setUp() throws IOException {
        model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("config.json"), "{ this is not a model");
        data = Files.writeString(tmp.resolve("train.jsonl"), "{\"messages\": []}\n");
        out = tmp.resolve("run");
    }

    TrainConfig config(String algorithm, String extra) {
        return config(algorithm, data, extra);
    }

    TrainConfig config(String algorithm, Path train, String extra) {
        return TrainConfig.parse("algorithm: " + algorithm + "\nmodel: " + model + "\noutput: " + out + "\ndata: {train: " + train + "}\n"
                + "train: {max_steps: 6}\n" + extra, "c.yaml");
    }

    String refusal(TrainConfig c, RunOptions o) {
        try {
            Trainers.train(c, o);
        } catch (RuntimeException | IOException e) {
            return e.getMessage();
        }
        throw new AssertionError("the run started");
    }

    static RunOptions fresh() {
        return new RunOptions(false, Set.of(), "c.yaml");
    }

    static RunOptions resume(String... allowed) {
        return new RunOptions(true, Set.of(allowed), "c.yaml");
    }

    @Test
    void missingFilesAreNamedByTheirKeyBeforeAnythingLoads() throws IOException {
        TrainConfig c = config("sft", tmp.resolve("nope.jsonl"), "");
        assertThat(refusal(c, fresh())).isEqualTo("c.yaml: data.train: " + tmp.resolve("nope.jsonl") + " does not exist; expected a JSON Lines file");
        assertThat(out).doesNotExist();
        Files.delete(model.resolve("config.json"));
        assertThat(refusal(config("sft", ""), fresh())).isEqualTo("c.yaml: model: " + model + " has no config.json; expected a Hugging Face "
                + "checkpoint folder with config.json (make one with repo init-model)");
        assertThat(out).doesNotExist();
    }

    @Test
    void rlNeedsTheRewardModelFilesItUses() {
        assertThat(refusal(config("ppo", ""), fresh())).isEqualTo("c.yaml: rewards.rm_head: missing, but the reward model source is on "
                + "(algorithm ppo uses it by default); expected the RM trainer's final/score_head.safetensors (and rewards.rm_adapter), "
                + "or a rewards.pipeline with sources.rm: false");
        assertThat(refusal(config("ppo", "rewards: {rm_head: " + tmp.resolve("head.safetensors") + "}\n"), fresh())).isEqualTo(
                "c.yaml: rewards.rm_head: " + tmp.resolve("head.safetensors") + " does not exist; expected the RM trainer's "
                        + "final/score_head.safetensors");
        assertThat(out).doesNotExist();
    }

    @Test
    void anOutputThatIsAFileIsRefused() throws IOException {
        Files.writeString(out, "a file");
        assertThat(refusal(config("sft", ""), fresh())).isEqualTo(
                "c.yaml: output: " + out + " is a file; expected a folder (created when missing)");
        assertThat(Files.readString(out)).isEqualTo("a file");
    }

    @Test
    void resumeOnAnEmptyOrMissingFolderSaysSo() throws IOException {
        String expected = "--resume: " + out + " holds no checkpoint to continue; expected a run folder with checkpoints/step-NNNNNN "
                + "(run without --resume to start afresh)";
        assertThat(refusal(config("sft", ""), resume())).isEqualTo(expected);
        assertThat(out).doesNotExist();
        Files.createDirectories(out);
        assertThat(refusal(config("sft", ""), resume())).isEqualTo(expected);
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void resumeOfAFinishedRunAndAFreshStartOverCheckpointsAreRefused() throws IOException {
        TrainConfig c = config("sft", "");
        checkpoint(c, 6);
        Files.createDirectories(out.resolve("final"));
        assertThat(refusal(c, resume())).isEqualTo("--resume: " + out + " has already finished (step 6 of train.max_steps 6, final/ "
                + "written); nothing to do. Expected a run that was stopped early, or a new output folder");
        assertThat(refusal(c, fresh())).isEqualTo("c.yaml: output: " + out + " already holds checkpoints (newest: step 6); expected "
                + "--resume to continue that run, or another output folder");
    }

    @Test
    void resumeWithAChangedConfigurationIsRefusedUnlessTheChangeIsNamed() throws IOException {
        TrainConfig before = config("sft", "seed: 1\noptim: {lr: 1.0e-3}\n");
        checkpoint(before, 3);
        TrainConfig after = config("sft", "seed: 2\noptim: {lr: 2.0e-3}\n");
        assertThat(refusal(after, resume())).isEqualTo("--resume: the configuration differs from the checkpoint's (" + out.resolve(
                "checkpoints/step-000003") + "): optim.lr 0.001 -> 0.002, seed 1 -> 2; expected the same configuration, or "
                + "--allow-config-change optim.lr,seed");
        assertThat(refusal(after, resume("seed"))).startsWith("--resume: the configuration differs").endsWith("--allow-config-change optim.lr");
        // with both named, preflight passes and the run gets as far as the model, whose config.json is not JSON
        assertThat(refusal(after, resume("seed", "optim.lr"))).contains("config.json");
        assertThat(Preflight.diff(before.toJson(), config("sft", "seed: 1\noptim: {lr: 1.0e-3}\n").toJson())).isEmpty();
    }

    private void checkpoint(TrainConfig c, int step) throws IOException {
        new Checkpoints(2).save(out, step, dir -> new TrainerState(step, 0, 0, c.seed(), c.seed(), c.toJson(), 1).write(dir));
        assertThat(Checkpoints.list(out)).extracting(Checkpoints.Checkpoint::step).isEqualTo(List.of(step));
    }
}
