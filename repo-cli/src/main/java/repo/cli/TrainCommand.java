package repo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import repo.trainer.RunOptions;
import repo.trainer.Trainers;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train from a YAML configuration; `algorithm:` picks the trainer (sft, rm, dpo, ppo, grpo, repo). "
                + "The whole configuration is checked before anything loads; the resolved one (defaults filled) is printed "
                + "and saved as OUTPUT/config.yaml.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE.yaml", description = "the run configuration (see configs/)")
    Path config;
    @Option(names = "--resume", description = "continue from the newest complete checkpoint in the run folder")
    boolean resume;
    @Option(names = "--set", paramLabel = "KEY.PATH=VALUE", description = "override one YAML key, e.g. --set optim.lr=1e-3 "
            + "--set train.max_steps=10 (repeatable; the value is read as YAML)")
    List<String> overrides = new ArrayList<>();
    @Option(names = "--allow-config-change", split = ",", paramLabel = "KEY.PATH",
            description = "with --resume: keys allowed to differ from the checkpoint's configuration, e.g. optim.lr,train.max_steps")
    Set<String> allowConfigChange = new LinkedHashSet<>();

    @Override
    public Integer call() throws Exception {
        TrainConfig c = TrainConfig.load(config, overrides);
        System.err.print("resolved configuration (" + config + (overrides.isEmpty() ? "" : " with " + String.join(" ", overrides))
                + "):\n" + indent(c.toYaml()));
        TrainingLoop.Result r = Trainers.train(c, new RunOptions(resume, allowConfigChange, config.toString()));
        System.out.printf(Locale.ROOT, "%s: %d steps, last loss %s; trained state in %s, metrics in %s%n",
                c.algorithm().yamlName(), r.steps(), r.last() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", r.last().loss()),
                r.finalDir(), c.output().resolve("metrics.jsonl"));
        return 0;
    }

    private static String indent(String yaml) {
        StringBuilder b = new StringBuilder();
        yaml.lines().forEach(l -> b.append("  ").append(l).append('\n'));
        return b.toString();
    }
}
