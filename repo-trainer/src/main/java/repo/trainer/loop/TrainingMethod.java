package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import repo.trainer.common.MetricsLog;

/**
 * What one optimiser step of a training method does with the examples {@link TrainingLoop} draws for it:
 * supervised methods ({@link SupervisedMethod}: SFT, RM, DPO) compute a loss over micro-batches; RL methods
 * (PPO, GRPO, REPO) run a rollout phase and feed it to their objective. Everything around the step (data order,
 * resume, progress, checkpoints, metrics, stop-after, the final folder) is the loop's.
 *
 * @param <E> one training example (a tokenised sequence or pair, or an RL prompt)
 */
public interface TrainingMethod<E> {

    /** How many examples the loop draws from the seeded data order for each step. */
    int examplesPerStep();

    /** The run's number of steps given {@code train.max_steps} and the number of examples (RL's {@code rollout.epochs} derives it). */
    default int totalSteps(int maxSteps, int examples) {
        return maxSteps;
    }

    /**
     * The trainable leaves by optimiser group, in a fixed order (the optimiser state is keyed by position). One
     * group is named {@link Optimizers#MAIN}; RL adds a critic group. Each group has its own AdamW.
     */
    Map<String, List<NDArray>> parameterGroups();

    /** One optimiser step in numbered phases; updates through {@code optimizers}. Returns the step's metrics. */
    MetricsLog.Entry step(int step, List<E> batch, Optimizers optimizers, double lr) throws IOException;

    /** The progress line's figures for a step, e.g. {@code loss 0.4123}. */
    String progress(MetricsLog.Entry entry);

    /** Writes the trainable state (adapters, heads or full weights) into {@code dir} (a checkpoint's or the final). */
    void save(Path dir) throws IOException;

    /** Restores what {@link #save} wrote into the live trainable arrays. */
    void load(Path dir) throws IOException;

    /** Writes what a resumed run needs besides the trainable state (e.g. running statistics) into a checkpoint folder. */
    default void saveRunState(Path checkpointDir) throws IOException {
    }

    /** Restores what {@link #saveRunState} wrote. */
    default void loadRunState(Path checkpointDir) throws IOException {
    }
}
