package repo.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import repo.core.model.DeferredBackward;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import repo.trainer.common.MetricsLog;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.MicroBatches;

/**
 * SFT, RM and DPO as a {@link TrainingMethod}: token-budget micro-batches with gradient accumulation of an
 * {@link Objective}'s loss, then one clipped AdamW step; held-out figures at every checkpoint.
 */
public final class SupervisedMethod<E> implements TrainingMethod<E> {
    private final TrainConfig config;
    private final Objective<E> objective;

    public SupervisedMethod(TrainConfig config, Objective<E> objective) {
        this.config = config;
        this.objective = objective;
    }

    @Override
    public int examplesPerStep() {
        return config.train().batchSize();
    }

    @Override
    public Map<String, List<NDArray>> parameterGroups() {
        return Map.of(Optimizers.MAIN, objective.parameters());
    }

    /** One optimiser step: 1. micro-batches, 2. forward/backward, 3. clip and update, 4. metrics. */
    @Override
    public MetricsLog.Entry step(int step, List<E> batch, Optimizers optimizers, double lr) {
        long t0 = System.nanoTime();
        // 1. micro-batches of at most micro_batch_tokens padded tokens; gradients accumulate over them
        List<List<E>> micros = MicroBatches.split(batch, objective::length, config.train().microBatchTokens());
        // dropout masks come from torch's generator: reseed per step so a resumed run draws the same masks
        Engine.getInstance().setRandomSeed((int) (config.seed() * 1_000_003L + step));
        // 2. forward and backward, micro-batch by micro-batch
        Accumulated acc = accumulate(objective, micros, objective.normalizer(batch));
        // 3. clip by global norm, then AdamW at this step's learning rate
        double gradNorm = optimizers.step(Optimizers.MAIN, lr);
        // 4. metrics of this step
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> extra = new LinkedHashMap<>(acc.metrics());
        if (step % config.train().saveEvery() == 0 || step == config.train().maxSteps()) {
            extra.putAll(objective.evaluate()); // held-out figures at every checkpoint
        }
        return new MetricsLog.Entry(step, acc.loss(), lr, gradNorm, acc.tokens() / seconds, extra);
    }

    /** The summed loss, tokens and metric partial sums of a step's micro-batches; gradients accumulate in the leaves. */
    public record Accumulated(double loss, long tokens, Map<String, Double> metrics) {
    }

    /** Forward and backward of every micro-batch; the gradients of the step accumulate in the parameters. */
    public static <E> Accumulated accumulate(Objective<E> objective, List<List<E>> micros, double normalizer) {
        double loss = 0;
        long tokens = 0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (List<E> micro : micros) {
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                DeferredBackward rest = new DeferredBackward();
                Objective.Part part = objective.loss(micro, normalizer, rest);
                loss += part.loss().getFloat();
                tokens += part.tokens();
                part.metrics().forEach((k, v) -> metrics.merge(k, v, Double::sum));
                rest.backward(gc, part.loss());
            }
        }
        return new Accumulated(loss, tokens, metrics);
    }

    @Override
    public String progress(MetricsLog.Entry entry) {
        return String.format(Locale.ROOT, "loss %.4f", entry.loss());
    }

    @Override
    public void save(Path dir) throws IOException {
        objective.save(dir);
    }

    @Override
    public void load(Path dir) throws IOException {
        objective.load(dir);
    }
}
