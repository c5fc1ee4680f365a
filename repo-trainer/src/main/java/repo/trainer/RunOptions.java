package repo.trainer;

import java.util.Set;

/**
 * How {@link Trainers#train(repo.trainer.config.TrainConfig, RunOptions)} starts a run.
 *
 * @param resume continue from the newest complete checkpoint in the run folder
 * @param allowConfigChange YAML key paths (e.g. {@code optim.lr}) that may differ from the checkpoint's configuration on resume
 * @param origin names the configuration in errors (its file)
 */
public record RunOptions(boolean resume, Set<String> allowConfigChange, String origin) {
    public RunOptions {
        allowConfigChange = allowConfigChange == null ? Set.of() : Set.copyOf(allowConfigChange);
        origin = origin == null ? "config" : origin;
    }

    /** A fresh run ({@code resume false}) or a plain resume, with no config change allowed. */
    public static RunOptions of(boolean resume) {
        return new RunOptions(resume, Set.of(), "config");
    }
}
