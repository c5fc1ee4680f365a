package repo.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.trainer.Trainers;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train from a YAML configuration; `algorithm:` picks the trainer (sft, rm, dpo, ppo, grpo, repo).")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE.yaml") Path config;
    @Option(names = "--resume", description = "continue from the newest complete checkpoint in the run folder") boolean resume;

    @Override
    public Integer call() throws Exception {
        TrainConfig c = TrainConfig.load(config);
        TrainingLoop.Result r = Trainers.train(c, resume);
        System.out.printf(Locale.ROOT, "%s: %d steps, last loss %.4f; trained state in %s, metrics in %s%n",
                c.algorithm().yamlName(), r.steps(), r.last() == null ? Double.NaN : r.last().loss(), r.finalDir(),
                c.output().resolve("metrics.jsonl"));
        return 0;
    }
}
