package repo.trainer.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import repo.trainer.common.Checkpoints;
import repo.trainer.common.LrSchedule;
import repo.trainer.common.MetricsLog;
import repo.trainer.common.NonFiniteGuard;
import repo.trainer.common.StopRequest;
import repo.trainer.common.Progress;
import repo.trainer.common.RunFolder;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.DataOrder;

/**
 * The one training loop of every method (SFT, RM, DPO, PPO, GRPO, REPO): seeded data order, a warm-up schedule,
 * per-group AdamW ({@link Optimizers}), metrics.jsonl, a progress bar, atomic checkpoints, stop-after, and resume
 * that reproduces an uninterrupted run. What a step does is the {@link TrainingMethod}'s.
 */
public final class TrainingLoop<E> {
    /** Trainable state inside a checkpoint and in the final folder. */
    public static final String TRAINABLE = "trainable";
    public static final String FINAL = "final";

    private final TrainConfig config;
    private final TrainingMethod<E> method;
    private final List<E> train;
    private final String name;

    public TrainingLoop(TrainConfig config, TrainingMethod<E> method, List<E> train, String name) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException(name + ": no training examples");
        }
        this.config = config;
        this.method = method;
        this.train = train;
        this.name = name;
    }

    /** A supervised loop: {@code objective}'s loss over token-budget micro-batches of {@code train.batch_size} examples. */
    public TrainingLoop(TrainConfig config, Objective<E> objective, List<E> train, String name) {
        this(config, new SupervisedMethod<>(config, objective), train, name);
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
        int maxSteps = method.totalSteps(loop.maxSteps(), train.size());
        LrSchedule schedule = config.optim().schedule(maxSteps);
        Checkpoints checkpoints = new Checkpoints(loop.keepLast());
        DataOrder order = new DataOrder(train.size(), config.seed(), true);
        NonFiniteGuard nonFinite = new NonFiniteGuard(loop.maxNonfiniteInARow(), System.err);
        try (Optimizers optimizers = new Optimizers(method.parameterGroups(), config.optim(), nonFinite)) {
            if (start.checkpoint() != null) {
                method.load(start.checkpoint().resolve(TRAINABLE));
                optimizers.load(start.checkpoint());
                method.loadRunState(start.checkpoint());
            }
            MetricsLog metrics = start.metrics();
            DataOrder.Cursor cursor = order.cursor(start.position());
            MetricsLog.Entry last = null;
            try (metrics; Progress progress = Progress.start(name, maxSteps, start.step(), loop.progressOptions())) {
                for (int step = start.step() + 1; step <= maxSteps; step++) {
                    List<E> batch = new ArrayList<>();
                    for (int i = 0; i < method.examplesPerStep(); i++) {
                        batch.add(train.get(cursor.next()));
                    }
                    last = step(step, batch, optimizers, schedule.lr(step), runDir);
                    last = last.withExtra(nonFinite.endStep(step, last.extra())); // skipped updates counted; K in a row stop
                    metrics.append(last);
                    progress.update(step, method.progress(last));
                    boolean stop = step == stopAfter || StopRequest.requested(); // SIGINT/SIGTERM: checkpoint, return
                    if (step % loop.saveEvery() == 0 || step == maxSteps || stop) {
                        save(checkpoints, runDir, step, cursor.position(), optimizers);
                    }
                    if (stop && step < maxSteps) {
                        return new Result(step, last, null);
                    }
                }
            }
            if (last == null && start.step() > 0) { // resumed after the last step (killed while writing final/)
                List<MetricsLog.Entry> logged = MetricsLog.read(metrics.file());
                last = logged.isEmpty() ? null : logged.get(logged.size() - 1);
            }
            Path finalDir = runDir.resolve(FINAL);
            Checkpoints.replaceFolder(finalDir, method::save);
            return new Result(maxSteps, last, finalDir);
        }
    }

    /** The method's step; a failure stops the run with the step, the cause and the checkpoint to resume from. */
    private MetricsLog.Entry step(int step, List<E> batch, Optimizers optimizers, double lr, Path runDir) throws IOException {
        try {
            return method.step(step, batch, optimizers, lr);
        } catch (RuntimeException e) {
            Optional<Checkpoints.Checkpoint> last = Checkpoints.resume(runDir);
            String resume = last.map(c -> "last checkpoint: " + c.dir() + " (step " + c.step() + "); --resume continues from it")
                    .orElse("no checkpoint was written yet");
            throw new Stopped(name + " stopped at step " + step + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + "; " + resume, e);
        }
    }

    /** A run stopped by a failure inside a step; the message names the step, the cause and the last checkpoint. */
    public static final class Stopped extends IllegalStateException {
        Stopped(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void save(Checkpoints checkpoints, Path runDir, int step, DataOrder.Position position, Optimizers optimizers)
            throws IOException {
        checkpoints.save(runDir, step, dir -> {
            method.save(Files.createDirectories(dir.resolve(TRAINABLE)));
            optimizers.save(dir);
            method.saveRunState(dir);
            RunFolder.writeState(dir, step, position, config);
        });
    }
}
