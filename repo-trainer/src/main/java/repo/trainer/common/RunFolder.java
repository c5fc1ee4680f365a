package repo.trainer.common;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import repo.core.io.SafeFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import repo.trainer.config.TrainConfig;
import repo.trainer.data.DataOrder;

/**
 * The bookkeeping every trainer shares around its run folder: where a run starts (fresh, or the newest complete
 * checkpoint with its data position and a metrics log cut back to it) and the state a checkpoint records. A resumed
 * run takes torch's intra-op thread count from its checkpoint (see {@link TrainerState#torchThreads}).
 */
public final class RunFolder {
    public static final String METRICS = "metrics.jsonl";

    private RunFolder() {
    }

    /**
     * Where a run starts.
     *
     * @param step optimiser steps already done (0 when fresh)
     * @param position the data-order position of the next example
     * @param checkpoint the checkpoint folder to load from, or null for a fresh run
     * @param metrics the open metrics log (truncated after {@code step} on resume)
     */
    public record Start(int step, DataOrder.Position position, Path checkpoint, MetricsLog metrics) {
    }

    /**
     * Opens a run folder. With {@code resume} the newest complete checkpoint is continued (a fresh start if there is
     * none); without it a folder that already holds checkpoints is refused, so a run is never silently overwritten.
     */
    public static Start begin(Path runDir, boolean resume) throws IOException {
        Files.createDirectories(runDir);
        SafeFiles.removeStaleTemps(runDir); // a run killed while writing config.yaml or metrics leaves .NAME.N.tmp
        Optional<Checkpoints.Checkpoint> from = resume ? Checkpoints.resume(runDir) : Optional.empty();
        if (!resume && !Checkpoints.list(runDir).isEmpty()) {
            throw new IllegalStateException(runDir + " already holds checkpoints; pass --resume to continue that run "
                    + "or choose another output folder");
        }
        Path metrics = runDir.resolve(METRICS);
        if (from.isEmpty()) {
            return new Start(0, DataOrder.Position.start(), null, MetricsLog.create(metrics));
        }
        TrainerState state = TrainerState.read(from.get().dir());
        int threads = torchThreads();
        if (state.torchThreads() > 0 && state.torchThreads() != threads) {
            JniUtils.setNumThreads(state.torchThreads());
            System.err.println("resume: torch runs on " + state.torchThreads() + " intra-op threads as when " + from.get().dir()
                    + " was written (this process started with " + threads + "), so the resumed steps compute the same bits");
        }
        return new Start(state.step(), state.position(), from.get().dir(), MetricsLog.resume(metrics, state.step()));
    }

    /** Writes {@code trainer_state.json} for a checkpoint of {@code step}, with the intra-op thread count in use. */
    public static void writeState(Path checkpointDir, int step, DataOrder.Position next, TrainConfig config) throws IOException {
        new TrainerState(step, next.epoch(), next.index(), config.seed(), config.seed(), config.toJson(), torchThreads())
                .write(checkpointDir);
    }

    /** torch's intra-op thread count (the engine is loaded first: its native library answers). */
    private static int torchThreads() {
        Engine.getInstance();
        return JniUtils.getNumThreads();
    }
}
