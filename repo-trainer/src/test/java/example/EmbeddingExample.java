package example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import repo.core.io.SafetensorsWriter;
import repo.core.model.ModelInit;
import repo.core.model.Qwen3Config;
import repo.trainer.Trainers;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

/**
 * The README's embedding example, compiled and run by the test suite: an application that depends on
 * {@code dev.repo:repo-trainer} (plus an SLF4J binding such as {@code slf4j-simple}) and trains from Java,
 * with the same validated configuration as {@code repo train}. Public API only.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    /** Writes a random tiny model and one SFT dialogue under {@code workDir}, trains 2 steps, returns the result. */
    public static TrainingLoop.Result run(Path workDir) throws IOException {
        Path model = workDir.resolve("tiny");
        ModelInit.writeRandomCheckpoint(model, Qwen3Config.Preset.TINY.config(), 1, 0.02, false, SafetensorsWriter.Storage.F32);
        Path data = Files.write(workDir.resolve("sft.jsonl"), List.of("{\"messages\": [{\"role\": \"user\", \"content\": "
                + "\"Is breakfast included?\"}, {\"role\": \"assistant\", \"content\": \"Yes, breakfast for two.\"}]}"));
        TrainConfig config = TrainConfig.parse("""
                algorithm: sft
                model: %s
                output: %s
                data: {train: %s}
                lora: {r: 4, alpha: 8}
                train: {batch_size: 1, max_steps: 2, progress: false}
                """.formatted(model, workDir.resolve("run"), data), "embedded.yaml");
        return Trainers.train(config, false); // checks files and the run folder first, saves run/config.yaml
    }

    public static void main(String[] args) throws IOException {
        TrainingLoop.Result r = run(Path.of(args.length > 0 ? args[0] : "runs/embedded"));
        System.out.println("trained " + r.steps() + " steps; adapter in " + r.finalDir());
    }
}
