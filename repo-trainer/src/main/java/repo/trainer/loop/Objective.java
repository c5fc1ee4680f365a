package repo.trainer.loop;

import ai.djl.ndarray.NDArray;
import repo.core.model.DeferredBackward;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a supervised trainer optimises (SFT, RM, DPO): the loss of a micro-batch, the trainable
 * parameters, and what a checkpoint holds. {@link TrainingLoop} does everything else.
 *
 * @param <E> one tokenised training example
 */
public interface Objective<E> {

    /** Tokens of one example (for token-budget micro-batches). */
    int length(E example);

    /** What the step's loss is averaged over: target tokens (SFT) or pairs (RM, DPO). */
    double normalizer(List<E> batch);

    /**
     * The loss of one micro-batch divided by the step's {@code normalizer}, so that summing over the
     * micro-batches of a step gives the step's mean; metrics likewise (partial means that add up).
     * Called inside a gradient collector and an {@code NDScope}; the caller's backward is
     * {@code rest.backward(gc, loss)}, so the loss's training forwards save memory through {@code rest}
     * ({@link TrainableModel#training}).
     */
    Part loss(List<E> micro, double normalizer, DeferredBackward rest);

    /** The trainable leaves, in a fixed order (the optimiser state is keyed by position). */
    List<NDArray> parameters();

    /** Writes the trainable state (adapter, heads or full weights) into {@code dir}. */
    void save(Path dir) throws IOException;

    /** Restores what {@link #save} wrote. */
    void load(Path dir) throws IOException;

    /** Held-out metrics (e.g. pairwise accuracy), or an empty map. Runs without gradients. */
    Map<String, Double> evaluate();

    /** A micro-batch's contribution: differentiable loss plus metric partial sums. */
    record Part(NDArray loss, Map<String, Double> metrics, long tokens) {
    }
}
