package repo.trainer;

import java.io.IOException;
import repo.trainer.config.TrainConfig;
import repo.trainer.dpo.DpoTrainer;
import repo.trainer.loop.TrainingLoop;
import repo.trainer.rl.RlTrainer;
import repo.trainer.rm.RmTrainer;
import repo.trainer.sft.SftTrainer;

/** Runs the trainer a configuration names: {@code repo train} and embedding apps call this. */
public final class Trainers {
    private Trainers() {
    }

    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        repo.core.io.SafeFiles.checkOutputFolder(config.output()); // an unusable run folder fails before a model loads
        return switch (config.algorithm()) {
            case SFT -> SftTrainer.train(config, resume);
            case RM -> RmTrainer.train(config, resume);
            case DPO -> DpoTrainer.train(config, resume);
            case PPO, GRPO, REPO -> RlTrainer.train(config, resume);
        };
    }
}
