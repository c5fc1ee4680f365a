package repo.trainer.rl;

import java.io.IOException;
import java.util.List;
import repo.rewards.PipelineConfig;
import repo.rewards.PromptFormats;
import repo.rewards.RewardStack;
import repo.rewards.api.PromptRenderer;
import repo.rewards.api.Sample;
import repo.rewards.io.Samples;
import repo.rewards.api.RewardModel;
import repo.rewards.rm.ScoreHeadRewardModel;
import repo.rewards.rm.ScoreStats;
import repo.trainer.config.Algorithm;
import repo.trainer.config.TrainConfig;
import repo.trainer.loop.TrainingLoop;

/**
 * PPO, GRPO and REPO: {@link RlMethod} in the one {@link TrainingLoop}. This class wires them from a configuration
 * (models, prompts, reward sources) or from what an embedding application passes: its own prompts (any task, any
 * {@link PromptRenderer}) and its own {@link RolloutScorer} (e.g. a {@link repo.rewards.RewardPipeline} over its
 * own reward sources).
 *
 * <p>PPO and REPO: one completion per prompt, the reward on its last token, GAE with the critic (a second LoRA
 * adapter plus a value head on the same frozen base), no reference model unless a KL penalty to the base (no
 * adapter, same weights) is asked for. REPO is PPO whose reward is R_total from the enhancement combiner; PPO
 * and GRPO default to the reward model alone. GRPO samples a group per prompt, uses group-normalised advantages
 * and has no critic.
 */
public final class RlTrainer {
    private RlTrainer() {
    }

    /** Trains per {@code config}: models, prompts and the reward pipeline come from the configuration. */
    public static TrainingLoop.Result train(TrainConfig config, boolean resume) throws IOException {
        try (RlModels models = RlModels.open(config);
             ScoreHeadRewardModel rm = rewardModel(config, models);
             RewardStack rewards = RewardStack.open(pipelineConfig(config), centred(config, rm), config.rewards().judge())) {
            System.err.println(config.algorithm().yamlName() + " rewards: " + rewards.describe());
            return train(config, models, prompts(config, PromptFormats.AUTO), RolloutScorer.of(rewards.pipeline()), resume,
                    Integer.MAX_VALUE);
        }
    }

    /** Trains on {@code data.train}'s prompts (rendered per line's format) with a given scorer. */
    public static TrainingLoop.Result train(TrainConfig config, RlModels models, RolloutScorer scorer, boolean resume,
                                            int stopAfter) throws IOException {
        return train(config, models, prompts(config, PromptFormats.AUTO), scorer, resume, stopAfter);
    }

    /**
     * Trains with opened models on given prompt samples with a given scorer, stopping after step {@code stopAfter}
     * at the latest (checkpointed, no {@code final/}); a later call with {@code resume} continues exactly.
     */
    public static TrainingLoop.Result train(TrainConfig config, RlModels models, List<Sample> prompts, RolloutScorer scorer,
                                            boolean resume, int stopAfter) throws IOException {
        if (config.algorithm() != Algorithm.PPO && config.algorithm() != Algorithm.GRPO && config.algorithm() != Algorithm.REPO) {
            throw new IllegalArgumentException("RlTrainer runs ppo, grpo and repo, not " + config.algorithm().yamlName());
        }
        List<Sample> eval = config.rollout().evalEvery() > 0 ? Samples.readPrompts(config.data().eval(), PromptFormats.AUTO) : List.of();
        return new TrainingLoop<>(config, new RlMethod(config, models, scorer, prompts.size(), eval), prompts,
                config.algorithm().yamlName()).run(resume, stopAfter);
    }

    /** The prompts of {@code data.train}, one sample per line, rendered by {@code renderer}. */
    public static List<Sample> prompts(TrainConfig config, PromptRenderer renderer) {
        return Samples.readPrompts(config.data().train(), renderer);
    }

    /** The algorithm's default sources unless {@code rewards.pipeline} names a YAML: REPO all three, PPO/GRPO the RM alone. */
    static PipelineConfig pipelineConfig(TrainConfig c) {
        if (c.rewards().pipeline() != null) {
            return PipelineConfig.load(c.rewards().pipeline());
        }
        return c.algorithm() == Algorithm.REPO ? PipelineConfig.defaults().withSources(true, true, true)
                : PipelineConfig.defaults().withSources(true, false, false);
    }

    /** The RM source centred per {@code rewards.rm_centre} with the statistics the RM trainer saved beside the head. */
    static RewardModel centred(TrainConfig c, RewardModel rm) throws IOException {
        ScoreStats.Centring centring = c.rewards().rmCentre();
        if (rm == null || centring == ScoreStats.Centring.NONE) {
            return rm;
        }
        ScoreStats stats = ScoreStats.besideHead(c.rewards().rmHead()).orElseThrow(() -> new IllegalArgumentException(
                "rewards.rm_centre " + centring.name().toLowerCase(java.util.Locale.ROOT) + ": no " + ScoreStats.FILE + " beside "
                        + c.rewards().rmHead() + " (the RM trainer writes it; retrain the RM or set rm_centre: none)"));
        return stats.centring(rm, centring);
    }

    private static ScoreHeadRewardModel rewardModel(TrainConfig c, RlModels models) {
        if (!pipelineConfig(c).rm()) {
            return null;
        }
        if (models.rmHead == null) {
            throw new IllegalArgumentException("the reward model source is on (" + c.algorithm().yamlName() + " uses it by default); "
                    + "set rewards.rm_head (and rewards.rm_adapter) to the RM trainer's final/score_head.safetensors and final/adapter, "
                    + "or name a rewards.pipeline YAML with sources.rm: false");
        }
        return new ScoreHeadRewardModel(models.model, models.tokenizer, models.rmHead,
                c.rewards().rmAdapter() == null ? null : RlModels.RM, c.rewards().rmBatchSize());
    }
}
