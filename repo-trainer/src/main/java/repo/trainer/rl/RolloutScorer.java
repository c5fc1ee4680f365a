package repo.trainer.rl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import repo.rewards.RewardPipeline;
import repo.rewards.api.Sample;
import repo.rewards.trace.RewardTrace;

/**
 * Scores an RL step's completions: one trace per sample, in order. {@link #of(RewardPipeline)} scores with
 * configured reward sources and a combiner and checkpoints the combiner's running statistics; a lambda
 * ({@code samples -> ...}) is a stateless scorer.
 */
@FunctionalInterface
public interface RolloutScorer {
    List<RewardTrace> score(List<Sample> samples);

    /** Writes running statistics a resumed run needs into a checkpoint folder (none by default). */
    default void saveState(Path checkpointDir) throws IOException {
    }

    /** Restores what {@link #saveState} wrote. */
    default void loadState(Path checkpointDir) throws IOException {
    }

    /** A pipeline as a scorer, its combiner's running statistics ({@code whiten_rm}) saved with each checkpoint. */
    static RolloutScorer of(RewardPipeline pipeline) {
        return new RolloutScorer() {
            @Override
            public List<RewardTrace> score(List<Sample> samples) {
                return pipeline.score(samples);
            }

            @Override
            public void saveState(Path checkpointDir) throws IOException {
                pipeline.saveState(checkpointDir);
            }

            @Override
            public void loadState(Path checkpointDir) throws IOException {
                pipeline.loadState(checkpointDir);
            }
        };
    }
}
