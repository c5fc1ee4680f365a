package repo.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import repo.core.io.SafeFiles;
import repo.trainer.config.TrainConfig;
import repo.trainer.dpo.DpoTrainer;
import repo.trainer.loop.TrainingLoop;
import repo.trainer.rl.RlTrainer;
import repo.trainer.rm.RmTrainer;
import repo.trainer.sft.SftTrainer;

/** Runs the trainer a configuration names: {@code repo train} and embedding apps call this. */
public final class Trainers {
    /** The resolved configuration (every default filled) saved in the run folder at start. */
    public static final String RESOLVED_CONFIG = "config.yaml";

    private Trainers() {
    }

    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        return train(config, RunOptions.of(resume));
    }

    /**
     * Checks everything that can be checked before loading ({@link Preflight}), saves the resolved configuration
     * as {@code output/config.yaml}, then trains.
     */
    public static TrainingLoop.Result train(TrainConfig config, RunOptions options) throws IOException {
        Preflight.check(config, options);
        SafeFiles.checkOutputFolder(config.output()); // an unusable run folder fails before a model loads
        saveResolved(config);
        return switch (config.algorithm()) {
            case SFT -> SftTrainer.train(config, options.resume());
            case RM -> RmTrainer.train(config, options.resume());
            case DPO -> DpoTrainer.train(config, options.resume());
            case PPO, GRPO, REPO -> RlTrainer.train(config, options.resume());
        };
    }

    /** Writes {@code config.yaml} atomically (temp file beside it, then rename). */
    static void saveResolved(TrainConfig config) throws IOException {
        Path dir = Files.createDirectories(config.output());
        SafeFiles.writeString(dir.resolve(RESOLVED_CONFIG),
                "# resolved configuration of this run (every default filled in)\n" + config.toYaml());
    }
}
