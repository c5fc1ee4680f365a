package repo.trainer.reliability;

import java.nio.file.Path;
import java.util.Locale;
import repo.trainer.Trainers;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

/** A training run in its own JVM, resuming whatever the run folder holds: what the kill chain kills. */
public final class TrainChildMain {
    private TrainChildMain() {
    }

    public static void main(String[] args) throws Exception {
        TrainConfig c = TrainConfig.load(Path.of(args[0]));
        TrainingLoop.Result r = Trainers.train(c, true);
        System.out.printf(Locale.ROOT, "DONE steps=%d last_loss=%s%n", r.steps(), r.last() == null ? "NaN" : String.valueOf(r.last().loss()));
        System.exit(0); // DJL's engine threads must not keep the JVM alive
    }
}
