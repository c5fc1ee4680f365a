package repo.trainer.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import repo.trainer.Trainers;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

/**
 * A training run in its own JVM, as a user restarting it would run it: afresh when the run folder holds no
 * checkpoint, with {@code --resume} when it does, and nothing to do when it has finished. What the kill chain kills.
 */
public final class TrainChildMain {
    private TrainChildMain() {
    }

    public static void main(String[] args) throws Exception {
        TrainConfig c = TrainConfig.load(Path.of(args[0]));
        var last = Checkpoints.latest(c.output());
        if (last.isPresent() && last.get().step() >= c.train().maxSteps() && Files.isDirectory(c.output().resolve(TrainingLoop.FINAL))) {
            List<MetricsLog.Entry> logged = MetricsLog.read(c.output().resolve("metrics.jsonl"));
            System.out.printf(Locale.ROOT, "DONE steps=%d last_loss=%s (already finished)%n", last.get().step(),
                    logged.isEmpty() ? "NaN" : String.valueOf(logged.get(logged.size() - 1).loss()));
            System.exit(0);
        }
        TrainingLoop.Result r = Trainers.train(c, last.isPresent());
        System.out.printf(Locale.ROOT, "DONE steps=%d last_loss=%s%n", r.steps(), r.last() == null ? "NaN" : String.valueOf(r.last().loss()));
        System.exit(0); // DJL's engine threads must not keep the JVM alive
    }
}
