package repo.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import repo.trainer.common.AdamW;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.GradClip;
import repo.trainer.common.LrSchedule;
import repo.trainer.common.MetricsLog;
import repo.trainer.common.Progress;
import repo.trainer.common.RunFolder;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.DataOrder;
import repo.trainer.data.MicroBatches;

/**
 * The supervised training loop shared by SFT, RM and DPO: seeded data order, token-budget micro-batches
 * with gradient accumulation, global-norm clipping, AdamW with a warm-up schedule, metrics.jsonl, a
 * progress bar, atomic checkpoints, and resume that reproduces an uninterrupted run.
 */
public final class TrainingLoop<E> {
    /** Trainable state inside a checkpoint and in the final folder. */
    public static final String TRAINABLE = "trainable";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String FINAL = "final";

    private final TrainConfig config;
    private final Objective<E> objective;
    private final List<E> train;
    private final String name;
    private final repo.trainer.common.NonFiniteGuard nonFinite;

    public TrainingLoop(TrainConfig config, Objective<E> objective, List<E> train, String name) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException(name + ": no training examples");
        }
        this.config = config;
        this.objective = objective;
        this.train = train;
        this.name = name;
        this.nonFinite = new repo.trainer.common.NonFiniteGuard(config.train().maxNonfiniteInARow(), System.err);
    }

    /** The result of a run: the last step's metrics and where the final trainable state is. */
    public record Result(int steps, MetricsLog.Entry last, Path finalDir) {
    }

    /**
     * Runs to {@code train.max_steps}. With {@code resume} the newest complete checkpoint in the run folder
     * is continued; without it the run folder must not hold checkpoints yet.
     */
    public Result run(boolean resume) throws IOException {
        return run(resume, Integer.MAX_VALUE);
    }

    /**
     * As {@link #run(boolean)}, but returns after step {@code stopAfter} (checkpointed) without writing
     * {@code final/}, as if the job had been stopped there: a later {@code run(true)} continues it exactly.
     */
    public Result run(boolean resume, int stopAfter) throws IOException {
        Path runDir = config.output();
        TrainConfig.LoopSection loop = config.train();
        RunFolder.Start start = RunFolder.begin(runDir, resume);
        LrSchedule schedule = config.optim().schedule(loop.maxSteps());
        Checkpoints checkpoints = new Checkpoints(loop.keepLast());
        DataOrder order = new DataOrder(train.size(), config.seed(), true);
        try (AdamW adam = new AdamW(objective.parameters(), adamConfig())) {
            if (start.checkpoint() != null) {
                objective.load(start.checkpoint().resolve(TRAINABLE));
                adam.load(start.checkpoint().resolve(OPTIMIZER));
            }
            MetricsLog metrics = start.metrics();
            DataOrder.Cursor cursor = order.cursor(start.position());
            MetricsLog.Entry last = null;
            try (metrics; Progress progress = Progress.start(name, loop.maxSteps(), start.step(), loop.progressOptions())) {
                for (int step = start.step() + 1; step <= loop.maxSteps(); step++) {
                    last = step(step, cursor, adam, schedule.lr(step));
                    metrics.append(last);
                    progress.update(step, String.format(Locale.ROOT, "loss %.4f", last.loss()));
                    boolean stop = step == stopAfter || repo.trainer.common.StopRequest.requested(); // SIGINT/SIGTERM: checkpoint, return
                    if (step % loop.saveEvery() == 0 || step == loop.maxSteps() || stop) {
                        save(checkpoints, runDir, step, cursor.position(), adam);
                    }
                    if (stop && step < loop.maxSteps()) {
                        return new Result(step, last, null);
                    }
                }
            }
            if (last == null && start.step() > 0) { // resumed after the last step (killed while writing final/)
                List<MetricsLog.Entry> logged = MetricsLog.read(metrics.file());
                last = logged.isEmpty() ? null : logged.get(logged.size() - 1);
            }
            Path finalDir = runDir.resolve(FINAL);
            Checkpoints.replaceFolder(finalDir, objective::save);
            return new Result(loop.maxSteps(), last, finalDir);
        }
    }

    /** One optimiser step: 1. batch, 2. micro-batches, 3. forward/backward, 4. clip and update, 5. metrics. */
    private MetricsLog.Entry step(int step, DataOrder.Cursor cursor, AdamW adam, double lr) {
        long t0 = System.nanoTime();
        // 1. the next batch_size examples in the seeded order (wrapping into the next epoch)
        List<E> batch = new ArrayList<>();
        for (int i = 0; i < config.train().batchSize(); i++) {
            batch.add(train.get(cursor.next()));
        }
        // 2. micro-batches of at most micro_batch_tokens padded tokens; gradients accumulate over them
        List<List<E>> micros = MicroBatches.split(batch, objective::length, config.train().microBatchTokens());
        double normalizer = objective.normalizer(batch);
        // dropout masks come from torch's generator: reseed per step so a resumed run draws the same masks
        Engine.getInstance().setRandomSeed((int) (config.seed() * 1_000_003L + step));
        // 3. forward and backward, micro-batch by micro-batch
        double loss = 0;
        long tokens = 0;
        Map<String, Double> extra = new LinkedHashMap<>();
        for (List<E> micro : micros) {
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Objective.Part part = objective.loss(micro, normalizer);
                loss += part.loss().getFloat();
                tokens += part.tokens();
                part.metrics().forEach((k, v) -> extra.merge(k, v, Double::sum));
                gc.backward(part.loss());
            }
        }
        // 4. clip by global norm, then AdamW at this step's learning rate
        List<NDArray> params = objective.parameters();
        double gradNorm = GradClip.clipGlobalNorm(params, config.optim().maxGradNorm());
        if (Double.isFinite(gradNorm)) {
            adam.step(lr);
        } else {
            nonFinite.skipped(step, name, params, gradNorm); // printed with the first non-finite tensor, counted in metrics
            adam.zeroGrad();
        }
        // 5. metrics of this step
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (step % config.train().saveEvery() == 0 || step == config.train().maxSteps()) {
            extra.putAll(objective.evaluate()); // held-out figures at every checkpoint
        }
        return new MetricsLog.Entry(step, loss, lr, gradNorm, tokens / seconds, nonFinite.endStep(step, extra));
    }

    private void save(Checkpoints checkpoints, Path runDir, int step, DataOrder.Position position, AdamW adam)
            throws IOException {
        checkpoints.save(runDir, step, dir -> {
            Path trainable = dir.resolve(TRAINABLE);
            Files.createDirectories(trainable);
            objective.save(trainable);
            adam.save(dir.resolve(OPTIMIZER));
            RunFolder.writeState(dir, step, position, config);
        });
    }

    private AdamW.Config adamConfig() {
        TrainConfig.OptimSection o = config.optim();
        return new AdamW.Config(o.beta1(), o.beta2(), o.eps(), o.weightDecay());
    }

}
