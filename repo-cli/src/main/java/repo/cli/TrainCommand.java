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
import repo.trainer.common.StopRequest;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

@Command(name = "train", mixinStandardHelpOptions = true,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:trained to train.max_steps", "1:failed (one line on stderr)", "2:usage error",
                "130:stopped by SIGINT after a step, checkpoint written (continue with --resume)",
                "143:stopped by SIGTERM after a step, checkpoint written (continue with --resume)"},
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

    /** Exit codes of a run stopped by a signal after a checkpoint: 128 + the signal's number, as shells report them. */
    static final int STOPPED_BY_SIGINT = 130, STOPPED_BY_SIGTERM = 143;

    @Override
    public Integer call() throws Exception {
        TrainConfig c = TrainConfig.load(config, overrides);
        installStopHandlers();
        System.err.print("resolved configuration (" + config + (overrides.isEmpty() ? "" : " with " + String.join(" ", overrides))
                + "):\n" + indent(c.toYaml()));
        TrainingLoop.Result r = Trainers.train(c, new RunOptions(resume, allowConfigChange, config.toString()));
        if (r.finalDir() == null && StopRequest.requested()) {
            System.err.printf(Locale.ROOT, "repo train: stopped by %s after step %d; checkpoint in %s; continue with --resume%n",
                    StopRequest.reason(), r.steps(), c.output().resolve("checkpoints"));
            return "SIGINT".equals(StopRequest.reason()) ? STOPPED_BY_SIGINT : STOPPED_BY_SIGTERM;
        }
        System.out.printf(Locale.ROOT, "%s: %d steps, last loss %s; trained state in %s, metrics in %s%n",
                c.algorithm().yamlName(), r.steps(), r.last() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", r.last().loss()),
                r.finalDir(), c.output().resolve("metrics.jsonl"));
        return 0;
    }

    /**
     * First SIGINT/SIGTERM: finish the current step, write a checkpoint, exit 130/143. Second: the default action of the
     * signal (the kernel ends the process at once; no JVM shutdown runs while libtorch is mid-call, so no native crash).
     */
    @SuppressWarnings("sunapi")
    private static void installStopHandlers() {
        for (String name : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                if (!StopRequest.requested()) {
                    StopRequest.request("SIG" + name);
                    System.err.println("repo train: SIG" + name + " received; finishing the current step and writing a checkpoint "
                            + "(send it again to stop at once)");
                } else {
                    sun.misc.Signal.handle(sig, sun.misc.SignalHandler.SIG_DFL);
                    sun.misc.Signal.raise(sig);
                }
            });
        }
    }

    private static String indent(String yaml) {
        StringBuilder b = new StringBuilder();
        yaml.lines().forEach(l -> b.append("  ").append(l).append('\n'));
        return b.toString();
    }
}
